import { Migration } from '@mikro-orm/migrations';

/** The daily prune of the customer event log deletes by age (services/events.ts pruneEvents). */
export class Migration20261202140000_event_log_retention extends Migration {
  override async up(): Promise<void> {
    this.addSql('create index customer_event_recorded_at on customer_event (recorded_at)');
  }

  override async down(): Promise<void> {
    this.addSql('drop index customer_event_recorded_at');
  }
}
