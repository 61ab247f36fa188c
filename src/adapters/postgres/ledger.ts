/**
 * The ledger port on the gateway's own Postgres (`bank_account`, `ledger_entry`; demo balances in
 * development). It joins the caller's transaction, so its entry commits with the journal row and
 * the transfer's funding state — or not at all. An entry's idempotency key is unique: a movement
 * asked again finds its entry and moves nothing.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DebitResult, Ledger, LedgerTransaction, Movement } from '../../ports/ledger.js';

/** The one place the port's opaque transaction is opened: the EntityManager db/ledger-transaction.ts wrapped. */
function entityManagerOf(tx: LedgerTransaction): EntityManager {
  return tx as unknown as EntityManager;
}

async function balance(em: EntityManager, customerId: string, currency: string): Promise<string | null> {
  const rows = await em.getConnection().execute<{ balance: string }[]>('select balance from bank_account where customer_id = ? and currency = ?', [customerId, currency], 'all', em.getTransactionContext());
  return rows[0]?.balance ?? null;
}

export class PostgresLedger implements Ledger {
  async available(tx: LedgerTransaction, customerId: string, currency: string): Promise<string | null> {
    return balance(entityManagerOf(tx), customerId, currency);
  }

  async entries(tx: LedgerTransaction, idempotencyKeys: string[]): Promise<Set<string>> {
    if (!idempotencyKeys.length) return new Set();
    const em = entityManagerOf(tx);
    const rows = await em.getConnection().execute<{ idempotency_key: string }[]>(
      `select idempotency_key from ledger_entry where idempotency_key in (${idempotencyKeys.map(() => '?').join(', ')})`,
      idempotencyKeys,
      'all',
      em.getTransactionContext(),
    );
    return new Set(rows.map((r) => r.idempotency_key));
  }

  async debit(tx: LedgerTransaction, m: Movement): Promise<DebitResult> {
    return entityManagerOf(tx).transactional(async (em): Promise<DebitResult> => {
      const conn = em.getConnection();
      const ctx = em.getTransactionContext();
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
        const exists = await balance(em, m.customerId, m.currency);
        // Undo the entry with the rest of this subtransaction (a savepoint in the caller's).
        throw new DebitRefused(exists === null ? 'NO_ACCOUNT' : 'INSUFFICIENT_FUNDS');
      }
      return { ok: true, alreadyDone: false };
    }).catch((error: unknown): DebitResult => {
      if (error instanceof DebitRefused) return { ok: false, reason: error.reason };
      throw error;
    });
  }

  async credit(tx: LedgerTransaction, m: Movement): Promise<{ alreadyDone: boolean }> {
    return entityManagerOf(tx).transactional(async (em) => {
      const conn = em.getConnection();
      const ctx = em.getTransactionContext();
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
