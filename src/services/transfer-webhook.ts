/**
 * transfers#state-change: a transfer moving to the state Wise names, recorded by the same rule as
 * every route a state arrives by (transfer-states.ts). One apply, two writes: nearly every event
 * is a state that moves no money, written with plain statements on the locked rows (entity
 * loading and flushing showed in the bench's profile); a transfer not stored yet, or a state that
 * returns money, goes through the ORM and the ledger under the transfer's money lock.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ormSql } from '../db/orm.js';
import type { PlainDb, Sql } from '../db/plain.js';
import { GatewayError } from '../domain/errors.js';
import { returnsMoney } from '../domain/transfer-states.js';
import { Transfer } from '../entities/Transfer.js';
import type { TransferLocks } from './transfer-locks.js';
import { noteOf, planState, tookEffect, writePlan, type TransferStates } from './transfer-states.js';
import type { WebhookDelivery, WebhookHandler, WebhookOutcome, WebhookWrites } from './webhooks.js';

export type TransferStateEvent = { transferId: number; profileId: number; currentState: string; previousState: string | null; occurredAt: Date; deliveryId: string };

function transferEventOf({ deliveryId, data, occurredAt }: WebhookDelivery): TransferStateEvent {
  return {
    transferId: Number(data.resource?.id),
    profileId: Number(data.resource?.profile_id),
    currentState: String(data.current_state),
    previousState: data.previous_state ?? null,
    occurredAt,
    deliveryId,
  };
}

const outcomeOf = (applied: boolean, note: string | undefined, events: WebhookOutcome['events']): WebhookOutcome => ({ status: applied ? 'applied' : 'stale', note, events });

export class TransferWebhook implements WebhookHandler {
  constructor(private readonly deps: { states: TransferStates; locks: TransferLocks; db: PlainDb }) {}

  async apply(delivery: WebhookDelivery, writes: WebhookWrites): Promise<void> {
    const event = transferEventOf(delivery);
    // Signed by Wise but naming no transfer: nothing to apply, and retrying would not help.
    if (!Number.isSafeInteger(event.transferId)) {
      await writes.plain(async () => ({ status: 'ignored', note: 'the event names no transfer', events: [] }));
      return;
    }
    if (await writes.plain((sql) => this.onHotPath(sql, event))) return;
    // It may move money: its whole transaction runs under the transfer's money lock.
    await this.underMoneyLock(event.transferId, () => writes.orm((em) => this.throughOrm(em, event)));
  }

  /**
   * Plain statements on the locked row, in the webhook's transaction. Null when the event needs
   * the ORM: a transfer not (yet) stored, or a state that returns money, which goes through
   * applyState and the ledger like every route.
   */
  private async onHotPath(sql: Sql, event: TransferStateEvent): Promise<WebhookOutcome | null> {
    const [row] = await sql<{ id: string; customer_id: string; status: string; state_ms: number | null; funding_state: string; refunded: boolean }>(
      `select id, customer_id, status, (extract(epoch from state_at) * 1000)::float8 as state_ms, funding_state, refunded
       from transfer where wise_transfer_id = ? for update`,
      [event.transferId],
    );
    if (!row) return null;
    const transfer = { id: row.id, customerId: row.customer_id, status: row.status, stateAt: row.state_ms === null ? null : new Date(Number(row.state_ms)) };
    const plan = await planState(sql, transfer, { state: event.currentState, occurredAt: event.occurredAt, previousState: event.previousState, source: 'webhook' });
    // Money going back (this state, or one it releases) goes through the ORM path and the ledger.
    const funded = !row.refunded && (row.funding_state === 'FUNDED' || row.funding_state === 'DEBITED');
    if (funded && plan.kind === 'advance' && plan.advances.some((item) => returnsMoney(item.state))) return null;
    const events = await writePlan(sql, transfer, plan);
    return outcomeOf(tookEffect(plan), noteOf(plan), events);
  }

  /**
   * Runs a whole webhook transaction (`work`) under the money lock of the transfer Wise names,
   * when it is stored here. A state that returns money must wait for any funding or cancel in
   * progress, and they for it until it has *committed* — so the lock is taken before the
   * transaction begins and released after its commit, as every money path does (lock, then row
   * lock, then commit, then unlock).
   */
  private async underMoneyLock<T>(wiseTransferId: number, work: () => Promise<T>): Promise<T> {
    const [row] = await this.deps.db.query<{ id: string }>('select id from transfer where wise_transfer_id = $1', [wiseTransferId]);
    return row ? this.deps.locks.run(row.id, work) : work();
  }

  /** The ORM write: what the hot path hands over (under underMoneyLock). */
  async throughOrm(em: EntityManager, event: TransferStateEvent): Promise<WebhookOutcome> {
    // Already held when apply took it around the transaction (re-entrant); taken here too for a
    // transfer stored after that look-up, so nothing applies money unlocked.
    const [row] = await ormSql(em)<{ id: string }>('select id from transfer where wise_transfer_id = ?', [event.transferId]);
    if (row) return this.deps.locks.run(row.id, () => this.applyState(em, event));
    return this.applyState(em, event);
  }

  private async applyState(em: EntityManager, event: TransferStateEvent): Promise<WebhookOutcome> {
    const transfer = await em.findOne(Transfer, { wiseTransferId: event.transferId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!transfer) {
      // Wise may announce a transfer before our creation committed: try again shortly.
      const pending = await em.count(Transfer, { profileId: event.profileId, creationState: 'PENDING' });
      if (pending > 0) throw new GatewayError('RETRY_LATER', 'Wise announced a transfer whose creation has not committed yet');
      return { status: 'stale', note: 'transfer not created through this gateway', events: [] };
    }
    const result = await this.deps.states.applyState(em, transfer, event.currentState, event.occurredAt, 'webhook', event.previousState);
    return outcomeOf(result.changed || Boolean(result.tookEffect), result.note, result.events);
  }
}
