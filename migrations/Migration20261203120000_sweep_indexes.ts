import { Migration } from '@mikro-orm/migrations';

/**
 * The sweep's look for interrupted work (jobs/transfer-sweep.ts), every minute: creations left
 * PENDING and fundings left DEBITED. Neither had an index, so each minute both read every
 * transfer (~60 ms at 10,000 rows in the bench, on the cores the webhooks' path shares). Nearly
 * no row is in either state, so these partial indexes stay almost empty.
 *
 * Built inside the migrations' one transaction, each holds off writes to `transfer` while it
 * reads the table. On a large table, build them first with CREATE INDEX CONCURRENTLY and the
 * same definitions (README "Migrations"): `if not exists` then finds them and does nothing.
 */
export class Migration20261203120000_sweep_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index if not exists transfer_pending_creation_index on transfer (created_at) where creation_state = 'PENDING'`);
    this.addSql(`create index if not exists transfer_debited_funding_index on transfer (funding_started_at) where funding_state = 'DEBITED'`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index transfer_debited_funding_index');
    this.addSql('drop index transfer_pending_creation_index');
  }
}
