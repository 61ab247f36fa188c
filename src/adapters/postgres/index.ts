/** The gateway's own adapters on its PostgreSQL: the defaults when a bank plugs in nothing. */
export { PostgresCustomerDirectory } from './customer-directory.js';
export { PostgresLedger } from './ledger.js';
export { PostgresAuditSink } from './wise-call-audit.js';
