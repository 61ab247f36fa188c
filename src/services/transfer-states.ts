/**
 * A transfer's states: Wise's order of states, the history every route a state arrives by
 * (creation, webhook, poll, cancel) records into, the current state that only moves forward in
 * Wise's time, and the money Wise returns going back to the customer — once.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ormSql } from '../db/orm.js';
import type { Sql } from '../db/plain.js';
import { Transfer } from '../entities/Transfer.js';
import type { DomainEvent } from './events.js';
import type { TransferLocks } from './transfer-locks.js';
import type { TransferMoney } from './transfer-money.js';
import type { HotPathTransferHandler, TransferEventHandler } from './webhooks.js';

export { TRANSFER_STATES } from '../wise/transfer-states.js';

/** States after which nothing normally happens (a sent transfer may still bounce: swept less). */
export const FINAL_STATES = new Set(['cancelled', 'funds_refunded', 'charged_back', 'outgoing_payment_sent']);
/**
 * The money is on its way back to the sender: the bank customer gets it back (once). Not
 * `bounced_back`: Wise then holds the money and will either re-send the payout or refund it
 * (transfers.md) — crediting at the bounce would pay the customer back for a payout Wise may
 * still make. A funded transfer that is cancelled is refunded (`cancelled → funds_refunded`).
 */
const RETURNS_MONEY = new Set(['funds_refunded', 'cancelled']);

/** Wise's usual order of states, to order events dated to the same second. */
const STATE_RANK: Record<string, number> = {
  incoming_payment_waiting: 0,
  incoming_payment_initiated: 1,
  waiting_recipient_input_to_proceed: 1,
  processing: 2,
  funds_converted: 3,
  outgoing_payment_sent: 4,
  bounced_back: 5,
  cancelled: 6,
  funds_refunded: 7,
  charged_back: 8,
};
const rankOf = (state: string) => STATE_RANK[state] ?? 9;

export type StateSource = 'create' | 'webhook' | 'poll' | 'cancel';

const NOT_NEWER = 'older than, or the same as, the current state';

/**
 * Records a state in the transfer's history and says whether it becomes the current state (and
 * from when), or null when it is not news. Shared by every route a state arrives by.
 */
export async function recordState(
  sql: Sql,
  transfer: { id: string; status: string; stateAt: Date | null },
  state: string,
  occurredAt: Date,
  source: StateSource,
): Promise<{ stateAt: Date } | null> {
  if (transfer.status === state) return null;
  const inserted = await sql(
    'insert into transfer_event (transfer_id, state, occurred_at, source) values (?, ?, ?, ?) on conflict (transfer_id, state, occurred_at) do nothing returning id',
    [transfer.id, state, occurredAt, source],
  );
  // Known already (a repeat, or the same event by another route): nothing new.
  if (inserted.length === 0) return null;
  // An event older than the current state is history, not news. Wise dates events to the
  // second, so within one second the usual order of states decides. What Wise itself says
  // now (a poll, a cancel it confirmed) always counts.
  if (transfer.stateAt && (source === 'webhook' || source === 'create')) {
    const event = Math.floor(occurredAt.getTime() / 1000);
    const current = Math.floor(transfer.stateAt.getTime() / 1000);
    if (event < current || (event === current && rankOf(state) < rankOf(transfer.status))) return null;
  }
  return { stateAt: transfer.stateAt && transfer.stateAt > occurredAt ? transfer.stateAt : occurredAt };
}

export class TransferStates {
  constructor(private readonly deps: { money: TransferMoney; locks: TransferLocks }) {}

  /**
   * Records a state the transfer was in. History keeps every state once per time; the current
   * state only moves forward in time. Money Wise returns goes back to the customer, once.
   */
  async applyState(em: EntityManager, transfer: Transfer, state: string, occurredAt: Date, source: StateSource): Promise<{ changed: boolean; events: DomainEvent[] }> {
    const next = await recordState(ormSql(em), transfer, state, occurredAt, source);
    if (!next) return { changed: false, events: [] };
    transfer.status = state;
    transfer.stateAt = next.stateAt;
    transfer.syncedAt = new Date();
    // Whatever is still out goes back, once: the journal's rule (transfer-money.ts) makes a
    // second credit impossible, whichever route (refund, cancel, fund reversal) came first.
    if (RETURNS_MONEY.has(state) && (await this.deps.money.giveBack(em, transfer, 'refund', `returned (${state})`))) {
      transfer.refunded = true;
    }
    await em.flush();
    return { changed: true, events: [{ type: 'transfer.changed', customerId: transfer.customerId, transferId: transfer.id }] };
  }

  /**
   * When a state seen by polling began is unknown: it is dated to the current second (Wise's
   * precision), never before the current state.
   */
  pollTime(transfer: Transfer): Date {
    return new Date(Math.max(Math.floor(Date.now() / 1000) * 1000, transfer.stateAt?.getTime() ?? 0));
  }

  /**
   * transfers#state-change on the hot path: plain statements on the locked row, in the
   * webhook's transaction (this runs for every event; entity loading and flushing showed in the
   * bench's profile). Null when the event needs the ORM path: a transfer not (yet) stored, or a
   * state that returns money, which goes through applyState and the ledger like every route.
   */
  readonly webhookHotPath: HotPathTransferHandler = async (sql, event) => {
    const [row] = await sql<{ id: string; customer_id: string; status: string; state_ms: number | null; funding_state: string; refunded: boolean }>(
      `select id, customer_id, status, (extract(epoch from state_at) * 1000)::float8 as state_ms, funding_state, refunded
       from transfer where wise_transfer_id = ? for update`,
      [event.transferId],
    );
    if (!row) return null;
    if (RETURNS_MONEY.has(event.currentState) && !row.refunded && (row.funding_state === 'FUNDED' || row.funding_state === 'DEBITED')) return null;
    const current = { id: row.id, status: row.status, stateAt: row.state_ms === null ? null : new Date(Number(row.state_ms)) };
    const next = await recordState(sql, current, event.currentState, event.occurredAt, 'webhook');
    if (!next) return { applied: false, note: NOT_NEWER, events: [] };
    await sql('update transfer set status = ?, state_at = ?, synced_at = now(), updated_at = now() where id = ?', [event.currentState, next.stateAt, row.id]);
    return { applied: true, events: [{ type: 'transfer.changed', customerId: row.customer_id, transferId: row.id }] };
  };

  /** transfers#state-change through the ORM: what the hot path hands over. */
  readonly webhookHandler: TransferEventHandler = async (em, event) => {
    // A state that returns money waits for any funding or cancel in progress (the transfer's
    // money lock, taken before the row lock, as every money path does).
    if (RETURNS_MONEY.has(event.currentState)) {
      const [row] = await ormSql(em)<{ id: string }>('select id from transfer where wise_transfer_id = ?', [event.transferId]);
      if (row) return this.deps.locks.run(row.id, () => this.applyWebhook(em, event));
    }
    return this.applyWebhook(em, event);
  };

  private async applyWebhook(em: EntityManager, event: Parameters<TransferEventHandler>[1]): ReturnType<TransferEventHandler> {
    const transfer = await em.findOne(Transfer, { wiseTransferId: event.transferId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!transfer) {
      // Wise may announce a transfer before our creation committed: try again shortly.
      const pending = await em.count(Transfer, { profileId: event.profileId, creationState: 'PENDING' });
      if (pending > 0) throw new Error('transfer not stored yet; retrying');
      return { applied: false, note: 'transfer not created through this gateway', events: [] };
    }
    const result = await this.applyState(em, transfer, event.currentState, event.occurredAt, 'webhook');
    return { applied: result.changed, note: result.changed ? undefined : NOT_NEWER, events: result.events };
  }
}

/** Wise's transfer timestamps: "2025-01-05 11:31:08" (UTC, no zone), or ISO. */
export function parseWiseTime(value: string): Date {
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? new Date() : date;
}
