import { Migration } from '@mikro-orm/migrations';

/**
 * Counters of the abuse limits (requests per customer and per address, Wise calls per
 * customer), shared by every replica: rate-limiter-flexible's Postgres store, with the table
 * made here rather than by the library at start-up (the gateway's database user need not own
 * DDL at run time). Unlogged: a counter lost in a crash costs one minute's window, and writes
 * skip the WAL.
 */
export class Migration20261202112400_safe_deploy_rate_limits extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create unlogged table rate_limit_counter (
        key varchar(255) primary key,
        points integer not null default 0,
        expire bigint
      )`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table rate_limit_counter');
  }
}
