/**
 * The event bus across replicas (Postgres LISTEN/NOTIFY), on a real database: two buses stand
 * for two gateway processes. An event published with a transaction reaches subscribers when —
 * and only if — that transaction commits.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import type { Sql } from '../src/db/plain.js';
import type { DomainEvent } from '../src/services/events.js';
import { PostgresEventBus } from '../src/services/pg-events.js';
import { createTestDatabase } from './support/database.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function replicas(url: string, count: number) {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const bus = new PostgresEventBus(url, createLogger('silent'));
      await bus.start();
      cleanups.push(() => bus.stop());
      const seen: DomainEvent[] = [];
      bus.subscribe((event) => seen.push(event));
      return { bus, seen };
    }),
  );
}

async function transaction(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  cleanups.push(() => client.end());
  await client.query('begin');
  // The bus speaks MikroORM's `?` placeholders; a plain client numbers them.
  const sql: Sql = async (text, params) => {
    let n = 0;
    return (await client.query(text.replace(/\?/g, () => `$${++n}`), params)).rows;
  };
  return { sql, commit: () => client.query('commit'), rollback: () => client.query('rollback') };
}

let numbered = 0;
const changed = (transferId: string): DomainEvent => ({ type: 'transfer.changed', customerId: 'cust-alice', transferId, state: 'processing', occurredAt: '2026-01-01T00:00:00.000Z', sequence: ++numbered });
const onboarding = (): DomainEvent => ({ type: 'onboarding.changed', customerId: 'cust-alice', sequence: ++numbered });

describe('events published with a transaction', () => {
  it('reach the subscribers of every replica once the transaction commits, in order, and not before', async () => {
    const url = await createTestDatabase('events');
    const [first, second] = await replicas(url, 2);
    const tx = await transaction(url);
    const t1 = changed('t-1');
    const then = onboarding();
    await first.bus.publishOnCommit(tx.sql, [t1, then]);
    // Not yet: a sentinel published outside the transaction arrives while the two wait.
    const sentinel = changed('sentinel');
    await first.bus.publish(sentinel);
    await expect.poll(() => second.seen.length).toBe(1);
    expect(second.seen).toEqual([sentinel]);

    await tx.commit();
    const expected = [sentinel, t1, then];
    await expect.poll(() => first.seen).toEqual(expected);
    await expect.poll(() => second.seen).toEqual(expected);
  });

  it('never reach anyone when the transaction rolls back', async () => {
    const url = await createTestDatabase('events');
    const [first, second] = await replicas(url, 2);
    const tx = await transaction(url);
    await first.bus.publishOnCommit(tx.sql, [changed('t-rolled-back')]);
    await tx.rollback();
    // Notifications arrive on each connection in commit order: once a later one has arrived
    // there, an earlier one never will. Each replica listens on its own connection.
    const after = changed('after');
    await first.bus.publish(after);
    await expect.poll(() => second.seen).toEqual([after]);
    await expect.poll(() => first.seen).toEqual([after]);
  });
});
