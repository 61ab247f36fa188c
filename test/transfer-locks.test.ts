/**
 * The transfer money lock (src/services/transfer-locks.ts) against a real PostgreSQL: one money
 * operation per transfer at a time across replicas (two lock managers, two pools), and a lock
 * released in the background once its operation is done — which neither another replica nor the
 * sweep of the same process can get wrong.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransferLocks } from '../src/services/transfer-locks.js';
import { createTestDatabase, sql } from './support/database.js';

let url: string;
let one: TransferLocks;
let other: TransferLocks;

beforeAll(async () => {
  url = await createTestDatabase();
  one = new TransferLocks(url);
  other = new TransferLocks(url);
});
afterAll(async () => {
  await one?.close();
  await other?.close();
});

describe('the money lock', () => {
  it('is re-entered by work that already holds it, even with another lock manager taken in between', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    // Were the inner one.run to wait for the lock its own caller holds, this would never settle.
    const result = await one.run(a, () => other.run(b, () => one.run(a, () => other.run(b, async () => 'reentered'))));
    expect(result).toBe('reentered');
  });

  it('lets one operation at a time work on a transfer, across replicas', async () => {
    const transferId = randomUUID();
    const log: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = one.run(transferId, async () => {
      log.push('first starts');
      await held;
      log.push('first ends');
    });
    await expect.poll(() => log.length).toBe(1);
    const second = other.run(transferId, async () => log.push('second runs'));
    // The other replica cannot start while the first holds the lock, nor can its sweep.
    expect(await other.tryRun(transferId, async () => 'swept')).toBeUndefined();
    release();
    await Promise.all([first, second]);
    expect(log).toEqual(['first starts', 'first ends', 'second runs']);
  });

  it("survives its holder's connection dying mid-operation: the process stays up and the lock is free", async () => {
    const transferId = randomUUID();
    const outcome = one.run(transferId, async () => {
      // A failover or an operator ends the lock's backend while the operation waits for Wise.
      // This test's database only: the server is shared with test files running beside this one.
      const ended = await sql(
        url,
        "select pg_terminate_backend(pid) as ended from pg_locks where locktype = 'advisory' and granted and pid <> pg_backend_pid() and database = (select oid from pg_database where datname = current_database())",
      );
      expect(ended).toEqual([{ ended: true }]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return 'answered';
    });
    // The work itself did not touch the dead connection; the process is still here to answer.
    expect(await outcome).toBe('answered');
    // Postgres released the lock with the connection: another replica gets it at once.
    expect(await other.tryRun(transferId, async () => 'swept')).toBe('swept');
  });

  it('is free for the sweep as soon as the operation has answered, in this process and the next', async () => {
    for (let i = 0; i < 20; i += 1) {
      const transferId = randomUUID();
      expect(await one.run(transferId, async () => 'funded')).toBe('funded');
      // The rollback that releases it may still be on its way: the sweep here waits for it.
      expect(await one.tryRun(transferId, async () => 'swept')).toBe('swept');
      // Another replica's operation waits for the lock itself.
      expect(await other.run(transferId, async () => 'cancelled')).toBe('cancelled');
    }
  });
});
