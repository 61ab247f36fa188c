import { Migration } from '@mikro-orm/migrations';

export class Migration20261121010000_onboarding extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table wise_link (
        id uuid primary key,
        customer_id text not null,
        model text not null check (model in ('partner_kyc', 'wise_kyc', 'wise_kyc_prefilled')),
        status text not null check (status in ('CREATING', 'AWAITING_AUTHORIZATION', 'LINKED', 'RELINK_REQUIRED', 'IDENTITY_MISMATCH', 'UNLINKED')),
        relink_reason text,
        wise_user_id bigint,
        profile_id bigint,
        access_token text,
        access_token_expires_at timestamptz,
        refresh_token text,
        refresh_token_expires_at timestamptz,
        registration_code text,
        signup_email text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    this.addSql('create index wise_link_customer_id_index on wise_link (customer_id)');
    // One live link per customer: concurrent onboarding attempts cannot create two.
    this.addSql(`create unique index wise_link_one_live_per_customer on wise_link (customer_id) where status <> 'UNLINKED'`);
    this.addSql(`
      create table oauth_state (
        state_hash text primary key,
        customer_id text not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        used_at timestamptz
      )`);
    this.addSql(`
      create table wise_profile (
        id bigint primary key,
        customer_id text not null,
        link_id uuid not null,
        wise_user_id bigint not null,
        type text not null,
        full_name text not null,
        date_of_birth text,
        data jsonb not null,
        synced_at timestamptz not null,
        verification jsonb,
        verification_synced_at timestamptz,
        verification_event_at timestamptz
      )`);
    this.addSql('create index wise_profile_customer_id_index on wise_profile (customer_id)');
    // Every call to Wise: method, path, status, duration, correlation id — never a secret.
    this.addSql(`
      create table wise_call (
        id bigserial primary key,
        at timestamptz not null default now(),
        correlation_id uuid not null,
        method text not null,
        path text not null,
        status integer,
        duration_ms real not null,
        attempt integer not null,
        error text,
        customer_id text
      )`);
    this.addSql('create index wise_call_at_index on wise_call (at)');
  }

  override async down(): Promise<void> {
    this.addSql('drop table wise_call');
    this.addSql('drop table wise_profile');
    this.addSql('drop table oauth_state');
    this.addSql('drop table wise_link');
  }
}
