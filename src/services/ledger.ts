/**
 * The ledger port: the bank's record of its customers' money. The gateway checks funds before
 * creating a transfer, debits the customer before funding it at Wise, and credits the money
 * back when Wise returns it. Every movement carries an idempotency key: asked twice, it moves
 * money once. The default adapter keeps balances in the gateway's Postgres and joins the
 * caller's transaction; a bank plugs in its core-banking ledger instead.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

export type Movement = { customerId: string; currency: string; amount: string; reference: string; idempotencyKey: string };
export type DebitResult = { ok: true; alreadyDone: boolean } | { ok: false; reason: 'INSUFFICIENT_FUNDS' | 'NO_ACCOUNT' };

export interface Ledger {
  available(em: EntityManager, customerId: string, currency: string): Promise<string | null>;
  debit(em: EntityManager, movement: Movement): Promise<DebitResult>;
  credit(em: EntityManager, movement: Movement): Promise<{ alreadyDone: boolean }>;
  /** Which of these idempotency keys the ledger holds (for reconciliation; optional). */
  entries?(em: EntityManager, idempotencyKeys: string[]): Promise<Set<string>>;
}

export class PostgresLedger implements Ledger {
  async available(em: EntityManager, customerId: string, currency: string): Promise<string | null> {
    const rows = await em.getConnection().execute<{ balance: string }[]>('select balance from bank_account where customer_id = ? and currency = ?', [customerId, currency], 'all', em.getTransactionContext());
    return rows[0]?.balance ?? null;
  }

  async entries(em: EntityManager, idempotencyKeys: string[]): Promise<Set<string>> {
    if (!idempotencyKeys.length) return new Set();
    const rows = await em.getConnection().execute<{ idempotency_key: string }[]>(
      `select idempotency_key from ledger_entry where idempotency_key in (${idempotencyKeys.map(() => '?').join(', ')})`,
      idempotencyKeys,
      'all',
      em.getTransactionContext(),
    );
    return new Set(rows.map((r) => r.idempotency_key));
  }

  async debit(em: EntityManager, m: Movement): Promise<DebitResult> {
    return em.transactional(async (tx): Promise<DebitResult> => {
      const conn = tx.getConnection();
      const ctx = tx.getTransactionContext();
      const entry = await conn.execute<{ id: string }[]>(
        `insert into ledger_entry (customer_id, currency, amount, reference, idempotency_key) values (?, ?, ?, ?, ?)
         on conflict (idempotency_key) do nothing returning id`,
        [m.customerId, m.currency, `-${m.amount}`, m.reference, m.idempotencyKey],
        'all',
        ctx,
      );
      if (entry.length === 0) return { ok: true, alreadyDone: true };
      const updated = await conn.execute<{ balance: string }[]>(
        'update bank_account set balance = balance - ? where customer_id = ? and currency = ? and balance >= ? returning balance',
        [m.amount, m.customerId, m.currency, m.amount],
        'all',
        ctx,
      );
      if (updated.length === 0) {
        const exists = await this.available(tx, m.customerId, m.currency);
        // Undo the entry with the rest of this (sub)transaction.
        throw new DebitRefused(exists === null ? 'NO_ACCOUNT' : 'INSUFFICIENT_FUNDS');
      }
      return { ok: true, alreadyDone: false };
    }).catch((error: unknown): DebitResult => {
      if (error instanceof DebitRefused) return { ok: false, reason: error.reason };
      throw error;
    });
  }

  async credit(em: EntityManager, m: Movement): Promise<{ alreadyDone: boolean }> {
    return em.transactional(async (tx) => {
      const conn = tx.getConnection();
      const ctx = tx.getTransactionContext();
      const entry = await conn.execute<{ id: string }[]>(
        `insert into ledger_entry (customer_id, currency, amount, reference, idempotency_key) values (?, ?, ?, ?, ?)
         on conflict (idempotency_key) do nothing returning id`,
        [m.customerId, m.currency, m.amount, m.reference, m.idempotencyKey],
        'all',
        ctx,
      );
      if (entry.length === 0) return { alreadyDone: true };
      await conn.execute(
        `insert into bank_account (customer_id, currency, balance) values (?, ?, ?)
         on conflict (customer_id, currency) do update set balance = bank_account.balance + excluded.balance`,
        [m.customerId, m.currency, m.amount],
        'run',
        ctx,
      );
      return { alreadyDone: false };
    });
  }
}

class DebitRefused extends Error {
  constructor(readonly reason: 'INSUFFICIENT_FUNDS' | 'NO_ACCOUNT') {
    super(reason);
  }
}
