/** The bank's side, as the gateway sees it: what a bank implements to plug in its own systems. */
export type { Customer, CustomerDirectory, PostalAddress } from './customer-directory.js';
export type { DebitResult, Ledger, LedgerTransaction, Movement } from './ledger.js';
