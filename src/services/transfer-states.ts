/**
 * A transfer's states: Wise's order of states, the history every route a state arrives by
 * (creation, webhook, poll, cancel) records into, the current state that moves in Wise's order
 * (a webhook follows the state Wise says came before it), the events subscribers receive for
 * each state that becomes current, and the money Wise returns going back to the customer — once.
 * Webhooks bring their states through transfer-webhook.ts.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ormSql } from '../db/orm.js';
import { rankOf, returnsMoney } from '../domain/transfer-states.js';
import type { Sql } from '../db/plain.js';
import type { Transfer } from '../entities/Transfer.js';
import { appendEvents, type DomainEvent } from './events.js';
import type { TransferMoney } from './transfer-money.js';

export type StateSource = 'create' | 'webhook' | 'poll' | 'cancel';

const NOT_NEWER = 'older than the current state';
const HELD = 'waiting for the state Wise says came before it';

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

type Tail = { status: string; at: Date | null };
type Arrival = { state: string; occurredAt: Date; previousState: string | null; source: StateSource };
type EventRow = { id: string | null; state: string; occurred_at: Date; previous_state: string | null; held: boolean; known: boolean; position: number };

/** What an arrival does to the transfer: the states that become current, in Wise's order. */
export type StatePlan =
  | { kind: 'duplicate' }
  | { kind: 'stale' | 'held' | 'same'; arrival: Arrival }
  | { kind: 'redate'; arrival: Arrival; rowId: string }
  | { kind: 'advance'; arrival: Arrival; advances: { state: string; occurredAt: Date; heldId?: string }[]; position: number };

/** Wise says this state came straight after the current one (and not before it in time). */
function follows(arrival: { state: string; occurredAt: Date; previousState: string | null }, tail: Tail): boolean {
  if (arrival.previousState === null || arrival.previousState !== tail.status) return false;
  return !tail.at || seconds(arrival.occurredAt) >= seconds(tail.at);
}

/** Before the current state in Wise's time (to the second; within it, Wise's usual order). */
function olderThan(arrival: { state: string; occurredAt: Date }, tail: Tail): boolean {
  if (!tail.at) return false;
  const event = seconds(arrival.occurredAt);
  const current = seconds(tail.at);
  return event < current || (event === current && rankOf(arrival.state) < rankOf(tail.status));
}

/**
 * Decides, without writing, what a state arriving by any route does. A webhook says which state
 * came before it (`previous_state`): it becomes current when that is the current state, and
 * otherwise waits (held) for the one before it to arrive — so states that Wise sends quickly and
 * that arrive out of order still become current, and reach subscribers, one by one in Wise's
 * order, repeats included (processing → waiting → processing). A state older than the current
 * one is history only. What Wise says now (a poll, a confirmed cancel, the creation) counts at
 * once, after whatever was held.
 */
export async function planState(sql: Sql, transfer: { id: string; status: string; stateAt: Date | null }, arrival: Arrival): Promise<StatePlan> {
  // One statement for what the plan needs: whether this arrival is known, the states held
  // waiting, and the last place in Wise's order (the row is locked FOR UPDATE by the caller, so
  // no one else writes this transfer's history until it commits). It runs for every webhook.
  const rows = await sql<EventRow>(
    `select e.id, e.state, e.occurred_at, e.previous_state, e.held, coalesce(e.state = ? and e.occurred_at = ?, false) as known, last.position
     from (select coalesce(max(position), 0)::int as position from transfer_event where transfer_id = ?) last
     left join transfer_event e on e.transfer_id = ? and (e.held or (e.state = ? and e.occurred_at = ?))
     order by e.occurred_at, e.id`,
    [arrival.state, arrival.occurredAt, transfer.id, transfer.id, arrival.state, arrival.occurredAt],
  );
  if (rows.some((r) => r.known)) return { kind: 'duplicate' };
  const position = rows[0].position;
  const held = rows.filter((r) => r.id !== null && r.held);
  let tail: Tail = { status: transfer.status, at: transfer.stateAt };
  const advances: { state: string; occurredAt: Date; heldId?: string }[] = [];
  const waiting = held.map((h) => ({ heldId: String(h.id), state: h.state, occurredAt: new Date(h.occurred_at), previousState: h.previous_state }));
  const advance = (item: { state: string; occurredAt: Date; heldId?: string }) => {
    const at = tail.at && tail.at > item.occurredAt ? tail.at : item.occurredAt;
    advances.push(item);
    tail = { status: item.state, at };
  };

  if (arrival.source === 'webhook') {
    if (arrival.previousState === null) {
      // The creation, or an event that does not say what came before: Wise's time decides.
      if (olderThan(arrival, tail) || arrival.state === tail.status) return staleOrRedate(sql, transfer.id, arrival);
      advance(arrival);
    } else if (follows(arrival, tail)) advance(arrival);
    else if (olderThan(arrival, tail)) return staleOrRedate(sql, transfer.id, arrival);
  } else {
    // What Wise says now: whatever waited happened before it.
    waiting.sort((a, b) => seconds(a.occurredAt) - seconds(b.occurredAt) || rankOf(a.state) - rankOf(b.state));
    for (const item of waiting.splice(0)) advance(item);
    if (arrival.state !== tail.status) advance(arrival);
    else if (advances.length === 0) return { kind: 'same', arrival };
  }
  // States that waited for the one just made current follow it now, in the order Wise gave.
  for (let next = waiting.find((w) => follows(w, tail)); next; next = waiting.find((w) => follows(w, tail))) {
    waiting.splice(waiting.indexOf(next), 1);
    advance(next);
  }
  if (advances.length === 0) return { kind: 'held', arrival };
  return { kind: 'advance', arrival, advances, position };
}

/**
 * A webhook for a state the transfer already took by a poll (or a cancel): the same step, which
 * the poll could only date to when it looked. Wise's own time replaces that guess, so history
 * shows the step once, when it happened. Anything else older than the current state is history.
 */
async function staleOrRedate(sql: Sql, transferId: string, arrival: Arrival): Promise<StatePlan> {
  const [polled] = await sql<{ id: string }>(
    `select r.id from transfer_event r
     left join transfer_event before on before.transfer_id = r.transfer_id and before.position = r.position - 1
     where r.transfer_id = ? and r.state = ? and r.source in ('poll', 'cancel') and r.position is not null and r.occurred_at >= ?
       and (before.state = ? or ?::text is null)
     order by r.position desc limit 1`,
    [transferId, arrival.state, arrival.occurredAt, arrival.previousState, arrival.previousState],
  );
  return polled ? { kind: 'redate', arrival, rowId: String(polled.id) } : { kind: 'stale', arrival };
}

/**
 * Writes a plan: the arrival into history (its place in Wise's order, or held, or history
 * only), the held states it released, the transfer's current state, and the events —
 * one per state that became current — into the customer's log. Returns those events.
 */
export async function writePlan(
  sql: Sql,
  transfer: { id: string; customerId: string; stateAt: Date | null },
  plan: StatePlan,
  options: {
    /** Off when the caller writes the transfer's state itself (an entity it flushes next). */
    storeState?: boolean;
  } = {},
): Promise<DomainEvent[]> {
  if (plan.kind === 'duplicate' || plan.kind === 'same') return [];
  const { arrival } = plan;
  if (plan.kind === 'redate') {
    await sql('update transfer_event set occurred_at = ? where id = ?', [arrival.occurredAt, plan.rowId]);
    return [];
  }
  const insert = (position: number | null, held: boolean) =>
    sql(
      'insert into transfer_event (transfer_id, state, occurred_at, source, previous_state, position, held) values (?, ?, ?, ?, ?, ?, ?) on conflict (transfer_id, state, occurred_at) do nothing',
      [transfer.id, arrival.state, arrival.occurredAt, arrival.source, arrival.previousState, position, held],
    );
  if (plan.kind !== 'advance') {
    await insert(null, plan.kind === 'held');
    return [];
  }
  let next = plan.position;
  let at = transfer.stateAt;
  for (const item of plan.advances) {
    next += 1;
    if (item.heldId) await sql('update transfer_event set position = ?, held = false where id = ?', [next, item.heldId]);
    else await insert(next, false);
    at = at && at > item.occurredAt ? at : item.occurredAt;
  }
  const current = plan.advances.at(-1)!;
  if (options.storeState ?? true) await sql('update transfer set status = ?, state_at = ?, synced_at = now(), updated_at = now() where id = ?', [current.state, at, transfer.id]);
  return appendEvents(
    sql,
    plan.advances.map((item) => ({ type: 'transfer.changed', customerId: transfer.customerId, transferId: transfer.id, state: item.state, occurredAt: item.occurredAt.toISOString() })),
  );
}

const REDATED = 'a state a poll had seen, now dated by Wise';
export const noteOf = (plan: StatePlan) => (plan.kind === 'held' ? HELD : plan.kind === 'redate' ? REDATED : plan.kind === 'advance' ? undefined : NOT_NEWER);
/** Whether the arrival changed anything (the inbox says `applied`, else `stale`). */
export const tookEffect = (plan: StatePlan) => plan.kind === 'advance' || plan.kind === 'held' || plan.kind === 'redate';

export class TransferStates {
  constructor(private readonly deps: { money: TransferMoney }) {}

  /**
   * Records a state the transfer was in (`previousState`: what Wise says came before it, from a
   * webhook). History keeps every state once per time; the current state moves in Wise's order.
   * Money Wise returns goes back to the customer, once. Runs on the transfer row locked FOR UPDATE.
   */
  async applyState(
    em: EntityManager,
    transfer: Transfer,
    state: string,
    occurredAt: Date,
    source: StateSource,
    previousState: string | null = null,
  ): Promise<{ changed: boolean; note?: string; tookEffect?: boolean; events: DomainEvent[] }> {
    const sql = ormSql(em);
    const plan = await planState(sql, transfer, { state, occurredAt, previousState, source });
    // The state is stored by the flush below, with whatever else the caller changed on the
    // entity: one UPDATE of the transfer row, not two (a creation changes a dozen columns).
    const events = await writePlan(sql, transfer, plan, { storeState: false });
    if (plan.kind !== 'advance') return { changed: false, note: noteOf(plan), tookEffect: tookEffect(plan), events: [] };
    const current = plan.advances.at(-1)!;
    for (const item of plan.advances) if (!transfer.stateAt || item.occurredAt > transfer.stateAt) transfer.stateAt = item.occurredAt;
    transfer.status = current.state;
    transfer.syncedAt = new Date();
    // Whatever is still out goes back, once: the journal's rule (transfer-money.ts) makes a
    // second credit impossible, whichever route (refund, cancel, fund reversal) came first —
    // and whether the state returning it arrived now or was released from waiting.
    const returning = plan.advances.find((item) => returnsMoney(item.state));
    if (returning && (await this.deps.money.giveBack(em, transfer, 'refund', `returned (${returning.state})`))) {
      transfer.refunded = true;
    }
    await em.flush();
    return { changed: true, events };
  }

  /**
   * When a state seen by polling began is unknown: it is dated to the current second (Wise's
   * precision), never before the current state.
   */
  pollTime(transfer: Transfer): Date {
    return new Date(Math.max(Math.floor(Date.now() / 1000) * 1000, transfer.stateAt?.getTime() ?? 0));
  }
}

/** Wise's transfer timestamps: "2025-01-05 11:31:08" (UTC, no zone), or ISO. */
export function parseWiseTime(value: string): Date {
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
  const date = new Date(iso);
  // Never "now" instead: that would re-date a state, and reorder it, without a trace.
  if (Number.isNaN(date.getTime())) throw new Error(`Wise sent a time the gateway cannot read: ${JSON.stringify(value).slice(0, 60)}`);
  return date;
}
