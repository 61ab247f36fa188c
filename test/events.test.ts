/**
 * The event bus across replicas (Postgres LISTEN/NOTIFY), on a real database: two buses stand
 * for two gateway processes. An event published with a transaction reaches subscribers when —
 * and only if — that transaction commits. A subscriber's stream over the event log misses
 * nothing when notifications do: a cut LISTEN connection, an unreadable notification.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../src/logger.js';
import { migrate, openOrm } from '../src/db/orm.js';
import { PlainDb } from '../src/db/plain.js';
import { customerEventStream } from '../src/services/event-stream.js';
import { appendEvents, commitWithEvents } from '../src/services/events.js';
import { ormSql } from '../src/db/orm.js';
import type { Sql } from '../src/db/plain.js';
import type { DomainEvent } from '../src/services/events.js';
import { PostgresEventBus } from '../src/services/pg-events.js';
import { createTestDatabase, sql } from './support/database.js';

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

  it("reach a subscriber for one customer only when they are that customer's, and none after it unsubscribes", async () => {
    const url = await createTestDatabase('events');
    const [replica] = await replicas(url, 1);
    const alices: DomainEvent[] = [];
    const bobs: DomainEvent[] = [];
    const stopAlice = replica.bus.subscribe((event) => alices.push(event), undefined, 'cust-alice');
    replica.bus.subscribe((event) => bobs.push(event), undefined, 'cust-bob');
    const forAlice = changed('t-alice');
    const forBob: DomainEvent = { ...changed('t-bob'), customerId: 'cust-bob' };
    await replica.bus.publish(forAlice);
    await replica.bus.publish(forBob);
    // The subscriber of every customer's events has both, in order.
    await expect.poll(() => replica.seen).toEqual([forAlice, forBob]);
    expect(alices).toEqual([forAlice]);
    expect(bobs).toEqual([forBob]);

    stopAlice();
    const later = changed('t-alice-later');
    await replica.bus.publish(later);
    await expect.poll(() => replica.seen.at(-1)).toEqual(later);
    expect(alices).toEqual([forAlice]);
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

describe('a subscriber stream over the event log', () => {
  /** A database with the gateway's tables (the log among them). */
  async function migratedDatabase(): Promise<string> {
    const url = await createTestDatabase('events');
    const orm = await openOrm(url);
    await migrate(orm, url);
    await orm.close(true);
    return url;
  }
  const logger = () => {
    const warnings: string[] = [];
    const log = { warn: (_fields: unknown, message: string) => warnings.push(message), info: () => {}, debug: () => {}, error: () => {} } as unknown as Logger;
    return { log, warnings };
  };
  const record = (bus: PostgresEventBus, n: number) =>
    Promise.all(Array.from({ length: n }, () => bus.record({ type: 'onboarding.changed', customerId: 'cust-alice' })));
  async function take(stream: AsyncIterableIterator<DomainEvent>, count: number): Promise<number[]> {
    const out: number[] = [];
    while (out.length < count) out.push((await stream.next()).value.sequence);
    return out;
  }

  it("catches up from the log what was published while its replica's LISTEN connection was down", async () => {
    const url = await migratedDatabase();
    const db = new PlainDb(url, { min: 0, max: 2 });
    cleanups.push(() => db.close());
    const { log, warnings } = logger();
    const replica = new PostgresEventBus(url, log);
    await replica.start();
    cleanups.push(() => replica.stop());
    const [other] = await replicas(url, 1);
    // From the start of the log: a stream opened "from now" may look at the log just after the
    // first events commit, and rightly count them as before its time.
    const stream = customerEventStream({ events: replica, db }, 'cust-alice', 0, (_e): _e is DomainEvent => true);
    cleanups.push(async () => stream.return?.());
    await record(other.bus, 2);
    expect(await take(stream, 2)).toEqual([1, 2]);

    // The replica's LISTEN connection is cut; events go on being committed meanwhile.
    await sql(url, 'select pg_terminate_backend($1)', [await replica.listenerPid()]);
    await record(other.bus, 3);
    expect(await take(stream, 3)).toEqual([3, 4, 5]);
    expect(warnings).toContain('event listener connection lost; reconnecting');
    // And live again afterwards.
    await record(other.bus, 1);
    expect(await take(stream, 1)).toEqual([6]);
  });

  it('says so when a notification cannot be read, and its subscribers catch up from the log', async () => {
    const url = await migratedDatabase();
    const db = new PlainDb(url, { min: 0, max: 2 });
    cleanups.push(() => db.close());
    const { log, warnings } = logger();
    const replica = new PostgresEventBus(url, log);
    await replica.start();
    cleanups.push(() => replica.stop());
    const stream = customerEventStream({ events: replica, db }, 'cust-alice', null, (_e): _e is DomainEvent => true);
    cleanups.push(async () => stream.return?.());
    await new Promise((r) => setTimeout(r, 200));
    // An event committed to the log whose notification arrives mangled.
    const tx = await transaction(url);
    await appendEvents(tx.sql, [{ type: 'onboarding.changed', customerId: 'cust-alice' }]);
    await tx.sql(`select pg_notify('gateway_events', 'not json')`, []);
    await tx.commit();
    expect(await take(stream, 1)).toEqual([1]);
    expect(warnings).toContain('an event notification could not be read; subscribers catch up from the event log');
  });

  it('resumes after the sequence a client saw: exactly what came later, then live', async () => {
    const url = await migratedDatabase();
    const db = new PlainDb(url, { min: 0, max: 2 });
    cleanups.push(() => db.close());
    const [replica] = await replicas(url, 1);
    await record(replica.bus, 4);
    const stream = customerEventStream({ events: replica.bus, db }, 'cust-alice', 2, (_e): _e is DomainEvent => true);
    cleanups.push(async () => stream.return?.());
    expect(await take(stream, 2)).toEqual([3, 4]);
    await record(replica.bus, 1);
    expect(await take(stream, 1)).toEqual([5]);
  });
});

describe('changes committed with their events on one request\'s unit of work', () => {
  // A request's entity manager is shared by its root fields' resolvers, which run at once (eight
  // aliased `onboardingStatus(refresh: true)`, say). Each change must still be one transaction of
  // its own that commits: one begun and never finished holds a connection, and with it the
  // gateway's shutdown, for ever.
  it('each commit, with its event, and no transaction is left open', async () => {
    const url = await createTestDatabase('events');
    const orm = await openOrm(url);
    cleanups.push(() => orm.close(true));
    await migrate(orm, url);
    const bus = new PostgresEventBus(url, createLogger('silent'));
    await bus.start();
    cleanups.push(() => bus.stop());
    const em = orm.em.fork();
    const customers = Array.from({ length: 8 }, (_, i) => `cust-${i}`);
    await Promise.all(
      customers.map((customerId) =>
        commitWithEvents(
          em,
          bus,
          async () => [{ type: 'onboarding.changed', customerId }],
          // A change that takes a moment, so the eight overlap.
          async (tx) => void (await ormSql(tx)('select pg_sleep(0.05)', [])),
        ),
      ),
    );
    const logged = await sql<{ customer_id: string }>(url, 'select customer_id from customer_event order by customer_id');
    expect(logged.map((row) => row.customer_id)).toEqual(customers);
    const open = await sql(url, "select pid from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'");
    expect(open).toEqual([]);
  });
});
