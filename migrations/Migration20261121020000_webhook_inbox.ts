import { Migration } from '@mikro-orm/migrations';

export class Migration20261121020000_webhook_inbox extends Migration {
  override async up(): Promise<void> {
    // Every accepted delivery, keyed by Wise's X-Delivery-Id: a repeat is a no-op. A job
    // applies it; the row says whether it was applied, ignored, or is still pending.
    this.addSql(`
      create table webhook_inbox (
        delivery_id text primary key,
        event_type text not null,
        subscription_id text,
        schema_version text,
        occurred_at timestamptz,
        body jsonb not null,
        test boolean not null default false,
        status text not null default 'pending' check (status in ('pending', 'applied', 'ignored', 'stale')),
        note text,
        received_at timestamptz not null default now(),
        applied_at timestamptz
      )`);
    this.addSql(`create index webhook_inbox_pending_index on webhook_inbox (received_at) where status = 'pending'`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table webhook_inbox');
  }
}
