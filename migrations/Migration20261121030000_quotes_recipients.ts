import { Migration } from '@mikro-orm/migrations';

export class Migration20261121030000_quotes_recipients extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table quote (
        id uuid primary key,
        customer_id text not null,
        profile_id bigint not null,
        source_currency text not null,
        target_currency text not null,
        source_amount numeric(20, 8) not null,
        target_amount numeric(20, 8) not null,
        rate numeric(20, 10) not null,
        fee numeric(20, 8) not null,
        provided_amount_type text not null,
        pay_out text not null,
        status text not null,
        target_account bigint,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        data jsonb not null,
        synced_at timestamptz not null default now()
      )`);
    this.addSql('create index quote_customer_id_created_at_index on quote (customer_id, created_at)');
    this.addSql(`
      create table recipient (
        id bigint primary key,
        customer_id text not null,
        profile_id bigint not null,
        currency text not null,
        type text not null,
        account_holder_name text not null,
        legal_entity_type text not null,
        country text,
        account_summary text not null,
        long_account_summary text not null,
        active boolean not null,
        details jsonb not null,
        created_at timestamptz not null default now(),
        synced_at timestamptz not null default now()
      )`);
    this.addSql('create index recipient_customer_id_profile_id_active_index on recipient (customer_id, profile_id, active)');
    // When a profile's recipients were last read from Wise (recipients made elsewhere appear).
    this.addSql('alter table wise_profile add column recipients_synced_at timestamptz');
    // Dynamic forms from Wise, keyed by what they depend on; short-lived.
    this.addSql(`
      create table form_cache (
        key text primary key,
        body jsonb not null,
        cached_at timestamptz not null default now()
      )`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table form_cache');
    this.addSql('alter table wise_profile drop column recipients_synced_at');
    this.addSql('drop table recipient');
    this.addSql('drop table quote');
  }
}
