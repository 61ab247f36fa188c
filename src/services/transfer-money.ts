/**
 * The bank customer's money for one transfer: at most one debit outstanding, given back at most
 * once. Every movement is first written to the gateway's journal (`transfer_movement`), whose
 * trigger enforces that rule in the database, and then asked of the bank's ledger with the same
 * idempotency key, in one transaction: a movement the rule refuses never reaches the ledger,
 * and a ledger asked twice with one key moves the money once.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ledgerTransaction } from '../db/ledger-transaction.js';
import { ormSql } from '../db/orm.js';
import type { Transfer } from '../entities/Transfer.js';
import type { Ledger, Movement } from '../ports/ledger.js';
import { amountString } from '../domain/money.js';

/** Why money goes back: the funding was not taken by Wise, or Wise returned the money. */
export type GiveBackReason = 'fund-reversal' | 'refund';

export type DebitOutcome = { ok: true } | { ok: false; reason: 'INSUFFICIENT_FUNDS' | 'NO_ACCOUNT' };

class DebitRefusedByLedger extends Error {
  constructor(readonly reason: 'INSUFFICIENT_FUNDS' | 'NO_ACCOUNT') {
    super(reason);
  }
}

export class TransferMoney {
  constructor(private readonly ledger: Ledger) {}

  /** The debit of this funding attempt (`fund:<transfer>:<attempt>`). */
  async debit(em: EntityManager, transfer: Transfer): Promise<DebitOutcome> {
    const key = `fund:${transfer.id}:${transfer.fundingAttempt}`;
    try {
      await em.transactional(async (tx) => {
        await this.journal(tx, transfer, 'debit', 'fund', key);
        const result = await this.ledger.debit(ledgerTransaction(tx), this.movement(transfer, key, `Wise transfer ${transfer.wiseTransferId}`));
        if (!result.ok) throw new DebitRefusedByLedger(result.reason);
      });
      return { ok: true };
    } catch (error) {
      if (error instanceof DebitRefusedByLedger) return { ok: false, reason: error.reason };
      throw error;
    }
  }

  /**
   * Gives the outstanding debit back, if there is one: true when money moved now, false when
   * nothing was outstanding (never debited, or given back already by another route).
   */
  async giveBack(em: EntityManager, transfer: Transfer, reason: GiveBackReason, note: string): Promise<boolean> {
    // One key per route: a fund reversal per attempt, a refund per transfer. The journal's rule,
    // not the key, is what makes a second credit impossible across routes.
    const key = reason === 'refund' ? `refund:${transfer.id}` : `fund-reversal:${transfer.id}:${transfer.fundingAttempt}`;
    return em.transactional(async (tx) => {
      const sql = ormSql(tx);
      const [outstanding] = await sql<{ amount: string }>('select amount from transfer_outstanding_debit where transfer_id = ? for update', [transfer.id]);
      if (!outstanding) return false;
      await this.journal(tx, transfer, 'credit', reason, key, outstanding.amount);
      await this.ledger.credit(ledgerTransaction(tx), { ...this.movement(transfer, key, `Wise transfer ${transfer.wiseTransferId} ${note}`), amount: amountString(outstanding.amount, transfer.sourceCurrency) });
      return true;
    });
  }

  /** Whether the customer's money for this transfer is out (debited and not given back). */
  async outstanding(em: EntityManager, transferId: string): Promise<boolean> {
    const rows = await ormSql(em)('select 1 from transfer_outstanding_debit where transfer_id = ?', [transferId]);
    return rows.length > 0;
  }

  private async journal(em: EntityManager, transfer: Transfer, direction: 'debit' | 'credit', reason: string, key: string, amount = transfer.sourceAmount): Promise<void> {
    await ormSql(em)('insert into transfer_movement (transfer_id, direction, amount, currency, reason, idempotency_key) values (?, ?, ?, ?, ?, ?)', [
      transfer.id,
      direction,
      amount,
      transfer.sourceCurrency,
      reason,
      key,
    ]);
  }

  private movement(transfer: Transfer, idempotencyKey: string, reference: string): Movement {
    return { customerId: transfer.customerId, currency: transfer.sourceCurrency, amount: amountString(transfer.sourceAmount, transfer.sourceCurrency), reference, idempotencyKey };
  }
}
