import { Migration } from '@mikro-orm/migrations';

export class Migration20261121040000_transfers extends Migration {
  override async up(): Promise<void> {
    // The bank's side: a simple ledger, the default adapter of the ledger port.
    this.addSql(`
      create table bank_account (
        customer_id text not null,
        currency text not null,
        balance numeric(20, 2) not null check (balance >= 0),
        primary key (customer_id, currency)
      )`);
    this.addSql(`
      create table ledger_entry (
        id uuid primary key default gen_random_uuid(),
        customer_id text not null,
        currency text not null,
        amount numeric(20, 2) not null,
        reference text not null,
        idempotency_key text not null unique,
        created_at timestamptz not null default now()
      )`);
    this.addSql(`
      create table transfer (
        id uuid primary key,
        customer_id text not null,
        profile_id bigint not null,
        idempotency_key text not null,
        request_hash text not null,
        customer_transaction_id uuid not null unique,
        quote_id uuid not null,
        recipient_id bigint not null,
        wise_transfer_id bigint unique,
        creation_state text not null check (creation_state in ('PENDING', 'CREATED', 'FAILED')),
        status text not null,
        state_at timestamptz,
        funding_state text not null check (funding_state in ('NOT_FUNDED', 'DEBITED', 'FUNDED', 'REJECTED')),
        funding_attempt integer not null default 0,
        sca_one_time_token text,
        refunded boolean not null default false,
        wise_access_lost boolean not null default false,
        source_currency text not null,
        source_amount numeric(20, 8) not null,
        target_currency text not null,
        target_amount numeric(20, 8) not null,
        rate numeric(20, 10) not null,
        fee numeric(20, 8) not null,
        reference text not null default '',
        details jsonb not null,
        data jsonb,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        synced_at timestamptz not null default now(),
        unique (customer_id, idempotency_key)
      )`);
    this.addSql('create index transfer_customer_created_index on transfer (customer_id, created_at desc, id desc)');
    this.addSql(`create index transfer_sweep_index on transfer (synced_at) where status not in ('cancelled', 'funds_refunded', 'charged_back', 'outgoing_payment_sent')`);
    this.addSql(`
      create table transfer_event (
        id bigserial primary key,
        transfer_id uuid not null references transfer (id),
        state text not null,
        occurred_at timestamptz not null,
        source text not null,
        recorded_at timestamptz not null default now(),
        unique (transfer_id, state, occurred_at)
      )`);
    this.addSql('create index transfer_event_transfer_index on transfer_event (transfer_id, occurred_at)');
  }

  override async down(): Promise<void> {
    this.addSql('drop table transfer_event');
    this.addSql('drop table transfer');
    this.addSql('drop table ledger_entry');
    this.addSql('drop table bank_account');
  }
}
