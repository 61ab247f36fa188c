/**
 * The ledger port: the bank's record of its customers' money. The gateway checks funds before
 * creating a transfer, debits the customer before funding it at Wise, and credits the money
 * back when Wise returns it. Every movement carries an idempotency key: asked twice, it moves
 * money once. The default adapter (adapters/postgres/ledger.ts) keeps balances in the gateway's
 * Postgres; a bank plugs in its core-banking ledger instead, knowing nothing of the gateway's
 * database.
 */

declare const opaque: unique symbol;

/**
 * The caller's unit of work — its transaction when money moves, its connection when it only
 * reads — handed to the ledger untouched. Money moves once because the default adapter writes
 * its entry in the very transaction that writes the journal row and the transfer's funding
 * state: the three commit together or not at all (ARCHITECTURE.md, "Money moves once"). The
 * port cannot name that transaction without teaching every bank adapter the gateway's ORM, so
 * it is opaque here: only the Postgres adapter opens it. A bank's own ledger cannot join the
 * gateway's transaction and ignores it — which is why it must be idempotent per key: a retry
 * after a failed commit repeats the same key.
 */
export type LedgerTransaction = { readonly [opaque]: 'LedgerTransaction' };

/** One movement of a customer's money; `amount` is a positive decimal in major units ("10.00"). */
export type Movement = { customerId: string; currency: string; amount: string; reference: string; idempotencyKey: string };

/** A debit taken (or taken before under this key: `alreadyDone`), or why the bank refused it. */
export type DebitResult = { ok: true; alreadyDone: boolean } | { ok: false; reason: 'INSUFFICIENT_FUNDS' | 'NO_ACCOUNT' };

export interface Ledger {
  /** The customer's available balance in this currency; null when they hold no such account. */
  available(tx: LedgerTransaction, customerId: string, currency: string): Promise<string | null>;
  /** Takes the money, once per idempotency key; a refused debit moves nothing. */
  debit(tx: LedgerTransaction, movement: Movement): Promise<DebitResult>;
  /** Gives money back, once per idempotency key. */
  credit(tx: LedgerTransaction, movement: Movement): Promise<{ alreadyDone: boolean }>;
  /** Which of these idempotency keys the ledger holds (for reconciliation; optional). */
  entries?(tx: LedgerTransaction, idempotencyKeys: string[]): Promise<Set<string>>;
}
