import { Migration } from '@mikro-orm/migrations';

/**
 * Operability: every Wise call row carries the inbound request id that made it (joinable with
 * the request's log lines and trace), and the retention job deletes old audit and inbox rows by
 * age (jobs: prune_wise_calls, prune_webhook_inbox).
 */
export class Migration20261202180000_ops_request_id_retention extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table wise_call add column request_id text');
    this.addSql('create index wise_call_request_id_index on wise_call (request_id) where request_id is not null');
    this.addSql(`create index webhook_inbox_received_at_done_index on webhook_inbox (received_at) where status <> 'pending'`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index webhook_inbox_received_at_done_index');
    this.addSql('drop index wise_call_request_id_index');
    this.addSql('alter table wise_call drop column request_id');
  }
}
