/**
 * The caller's EntityManager, handed to the ledger port as the opaque transaction it declares
 * (ports/ledger.ts says why it is opaque). Only the Postgres ledger adapter turns it back into
 * an EntityManager; a bank's own ledger never looks inside.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { LedgerTransaction } from '../ports/ledger.js';

export function ledgerTransaction(em: EntityManager): LedgerTransaction {
  return em as unknown as LedgerTransaction;
}
