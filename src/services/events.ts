/**
 * Domain events for live updates (onboarding status, verification, transfer states), and the
 * durable per-customer log they are kept in.
 *
 * Every event is appended to `customer_event` with the next number of its customer's sequence,
 * in the transaction that makes the change, and NOTIFYed at its commit. The sequence is taken
 * from a counter row that the appending transaction holds locked until it commits, so per
 * customer the commit order is the sequence order: a subscriber that has seen N has seen
 * everything up to N, a gap means something was missed (and is read back from the log), and a
 * client that reconnects with the last sequence it saw is given exactly what came after.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ormSql } from '../db/orm.js';
import type { PlainDb, Sql } from '../db/plain.js';
import type { VerificationRoute } from '../entities/WiseProfile.js';
import type { OnboardingStatus } from './onboarding-status.js';
import type { SelectList } from '../ports/webhook-inbox.js';

/** A profile's verification as committed with its event (`syncedAt` as an ISO string). */
export type VerificationSnapshot = { routes: VerificationRoute[]; canTransfer: boolean; syncedAt: string | null };

/**
 * Change events carry the state they announce, as their transaction committed it: subscribers
 * are pushed exactly that, in order, rather than whatever the state is by the time the push goes
 * out (two quick changes would otherwise push the second twice and the first never). The
 * snapshots are optional only for events logged before they were added.
 */
export type EventBody =
  | { type: 'onboarding.changed'; customerId: string; status?: OnboardingStatus }
  /** The customer unlinked their Wise account: their sockets close (http/subscriptions.ts). */
  | { type: 'customer.unlinked'; customerId: string }
  | { type: 'verification.changed'; customerId: string; profileId: number; verification?: VerificationSnapshot }
  | { type: 'transfer.changed'; customerId: string; transferId: string; state: string; occurredAt: string };

/** An event as logged: its place in the customer's sequence (1, 2, 3, … per customer). */
export type DomainEvent = EventBody & { sequence: number };

export interface EventBus {
  /** Carries events already in the log to every replica's subscribers (after their commit). */
  publish(event: DomainEvent): Promise<void>;
  /**
   * Publishes when the caller's transaction commits, and never if it rolls back — with no
   * round trip of its own.
   */
  publishOnCommit(sql: Sql, events: DomainEvent[]): Promise<void>;
  /** The same as a select list, for another statement to carry (null: no events). */
  notificationsOf(events: DomainEvent[]): SelectList | null;
  /** Appends an event to its customer's log in a transaction of its own, and publishes it. */
  record(body: EventBody): Promise<DomainEvent>;
  /**
   * `onGap` is called when this replica may have missed events (its LISTEN connection was lost,
   * a notification could not be read): subscribers then catch up from the log. With
   * `customerId`, only that customer's events are passed to `listener` — without asking every
   * other customer's listener first, which with thousands of live subscriptions was most of the
   * work an event caused (bench/README.md).
   */
  subscribe(listener: (event: DomainEvent) => void, onGap?: () => void, customerId?: string): () => void;
}

const APPEND = `with counter as (
    insert into customer_event_counter (customer_id, last_sequence) values (?, ?)
    on conflict (customer_id) do update set last_sequence = customer_event_counter.last_sequence + excluded.last_sequence
    returning last_sequence
  )
  insert into customer_event (customer_id, sequence, type, payload)
  select ?, counter.last_sequence - ? + x.n, x.e ->> 'type', x.e
  from counter, jsonb_array_elements(?::jsonb) with ordinality as x(e, n)
  returning sequence, payload`;

/**
 * Appends events to their customers' logs inside the caller's transaction (call it last: the
 * customer's counter stays locked until the commit). Returns them numbered, in the order given.
 */
export async function appendEvents(sql: Sql, bodies: EventBody[]): Promise<DomainEvent[]> {
  const logged: DomainEvent[] = [];
  // One customer at a time, in a fixed order, so two transactions never wait on each other's counters.
  const customers = [...new Set(bodies.map((b) => b.customerId))].sort();
  for (const customerId of customers) {
    const own = bodies.filter((b) => b.customerId === customerId);
    const rows = await sql<{ sequence: string; payload: EventBody }>(APPEND, [customerId, own.length, customerId, own.length, JSON.stringify(own)]);
    for (const row of rows.sort((a, b) => Number(a.sequence) - Number(b.sequence))) logged.push({ ...row.payload, sequence: Number(row.sequence) });
  }
  return logged;
}

/** The customer's events after `after`, in order (at most `limit`). */
export async function eventsAfter(db: PlainDb, customerId: string, after: number, limit: number): Promise<DomainEvent[]> {
  const rows = await db.query<{ sequence: string; payload: EventBody }>(
    'select sequence, payload from customer_event where customer_id = $1 and sequence > $2 order by sequence limit $3',
    [customerId, after, limit],
  );
  return rows.map((row) => ({ ...row.payload, sequence: Number(row.sequence) }));
}

/**
 * Whether events after `after` have been pruned from the customer's log (prunedEvents): a client
 * resuming from there would silently miss them, so it is told to read afresh instead.
 */
export async function resumePointPruned(db: PlainDb, customerId: string, after: number): Promise<boolean> {
  const [row] = await db.query<{ last: string | null; first: string | null }>(
    'select (select last_sequence from customer_event_counter where customer_id = $1) as last, (select min(sequence) from customer_event where customer_id = $1) as first',
    [customerId],
  );
  const last = Number(row?.last ?? 0);
  if (last <= after) return false;
  return row?.first === null || row?.first === undefined || Number(row.first) > after + 1;
}

/**
 * Deletes events logged more than `days` ago (a daily job): the log serves resuming clients and
 * catch-up after a lost notification, both minutes or hours behind — not an archive. The
 * counters stay, so sequences never repeat.
 */
export async function pruneEvents(db: PlainDb, days: number): Promise<number> {
  const rows = await db.query<{ n: string }>("with gone as (delete from customer_event where recorded_at < now() - make_interval(days => $1) returning 1) select count(*) as n from gone", [days]);
  return Number(rows[0]?.n ?? 0);
}

/** The last sequence number the customer's log has given out (0 before the first event). */
export async function lastSequence(db: PlainDb, customerId: string): Promise<number> {
  const [row] = await db.query<{ last_sequence: string }>('select last_sequence from customer_event_counter where customer_id = $1', [customerId]);
  return row ? Number(row.last_sequence) : 0;
}

/**
 * Makes `change` (entity changes, deletes, SQL through the `tx` it is given), flushes what `em`
 * holds, and appends the events `describe` builds — reading the changed state through `tx` — in
 * one commit: a change is never committed without its event, nor an event logged for a change
 * rolled back. Subscribers hear of them at the commit. Inside a transaction `em` already has,
 * all of it joins that one (its owner commits). Keep calls to Wise out of `change`: a
 * transaction should not wait on the network.
 *
 * Outside one, the transaction runs in a fork of `em` (MikroORM's `transactional`): the fork
 * starts with what `em` holds — entities changed or created and not yet flushed included — and
 * hands what it stored back to `em` at the commit. Never `em.begin()` on `em` itself: a
 * request's `em` is shared by the resolvers of its root fields, which run at once, and two
 * transactions begun on one entity manager overwrite each other's context — one of them is then
 * never committed and holds its connection (and the pool's shutdown) for ever.
 */
export async function commitWithEvents(
  em: EntityManager,
  bus: EventBus,
  describe: (tx: EntityManager) => Promise<EventBody[]>,
  change?: (tx: EntityManager) => Promise<void>,
): Promise<DomainEvent[]> {
  const record = async (tx: EntityManager) => {
    await change?.(tx);
    await tx.flush();
    const events = await appendEvents(ormSql(tx), await describe(tx));
    await bus.publishOnCommit(ormSql(tx), events);
    return events;
  };
  if (em.isInTransaction()) return record(em);
  return em.transactional((tx) => record(tx));
}
