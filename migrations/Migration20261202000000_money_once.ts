import { Migration } from '@mikro-orm/migrations';

/**
 * Money moves once, enforced by the database (ARCHITECTURE.md, "Money moves once").
 *
 * `transfer_movement` is the gateway's journal of every movement of the bank customer's money
 * for a transfer, written in the transaction that asks the bank's ledger for it, before the
 * ledger is called. `transfer_outstanding_debit` holds, per transfer, the debit not yet given
 * back; a trigger keeps it: a debit inserts it (its primary key makes a second outstanding
 * debit impossible), a credit must take away exactly that amount (so a credit without a debit,
 * a second credit or a partial one is impossible). Whatever the code does, the net movement of
 * a transfer is always either nothing or one debit.
 *
 * `quote_patched` remembers that Wise accepted the quote's PATCH (the recipient attached), so a
 * retried creation repeats the PATCH until it has succeeded. `funding_started_at` dates the
 * current DEBITED funding, so the sweep can tell an interrupted one from one in progress.
 */
export class Migration20261202000000_money_once extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table transfer_movement (
        id bigserial primary key,
        transfer_id uuid not null references transfer (id),
        direction text not null check (direction in ('debit', 'credit')),
        amount numeric(20, 8) not null check (amount > 0),
        currency text not null,
        reason text not null,
        idempotency_key text not null unique,
        created_at timestamptz not null default now()
      )`);
    this.addSql('create index transfer_movement_transfer_idx on transfer_movement (transfer_id)');
    this.addSql(`
      create table transfer_outstanding_debit (
        transfer_id uuid primary key references transfer (id),
        amount numeric(20, 8) not null check (amount > 0),
        debit_key text not null
      )`);
    this.addSql(`
      create function transfer_movement_rule() returns trigger language plpgsql as $$
      begin
        if new.direction = 'debit' then
          begin
            insert into transfer_outstanding_debit (transfer_id, amount, debit_key) values (new.transfer_id, new.amount, new.idempotency_key);
          exception when unique_violation then
            raise exception 'money moves once: transfer % already has a debit outstanding', new.transfer_id
              using errcode = 'check_violation', constraint = 'transfer_movement_one_debit';
          end;
        else
          delete from transfer_outstanding_debit where transfer_id = new.transfer_id and amount = new.amount;
          if not found then
            raise exception 'money moves once: transfer % has no outstanding debit of % to credit back', new.transfer_id, new.amount
              using errcode = 'check_violation', constraint = 'transfer_movement_credit_matches_debit';
          end if;
        end if;
        return new;
      end $$`);
    this.addSql('create trigger transfer_movement_rule before insert on transfer_movement for each row execute function transfer_movement_rule()');
    // The journal is append-only: what moved, moved.
    this.addSql(`
      create function transfer_movement_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'transfer_movement is append-only' using errcode = 'check_violation';
      end $$`);
    this.addSql('create trigger transfer_movement_append_only before update or delete on transfer_movement for each row execute function transfer_movement_append_only()');

    // What existing rows already moved, so the rule holds from the first new movement on.
    this.addSql(`
      insert into transfer_outstanding_debit (transfer_id, amount, debit_key)
      select t.id, t.source_amount, 'fund:' || t.id || ':' || t.funding_attempt
      from transfer t where t.funding_state in ('DEBITED', 'FUNDED') and not t.refunded`);

    // A recipient creation whose answer was lost and whose look-up failed: until Wise has been
    // asked whether it exists, the same request looks before it posts (no idempotency key).
    this.addSql(`
      create table recipient_creation_uncertain (
        customer_id text not null,
        request_hash text not null,
        created_at timestamptz not null default now(),
        primary key (customer_id, request_hash)
      )`);
    // Wise's answer for any bounded input fits (a JPY or VND target is many times the source).
    for (const table of ['quote', 'transfer']) {
      for (const column of ['source_amount', 'target_amount', 'fee']) this.addSql(`alter table ${table} alter column ${column} type numeric(30, 8)`);
    }

    // One row per reconciliation run (services/reconciliation.ts): what was checked, repaired and
    // left for a person. `request_id` ties an on-demand run to `npm run reconcile`.
    this.addSql(`
      create table reconciliation_run (
        id uuid primary key default gen_random_uuid(),
        request_id text unique,
        started_at timestamptz not null default now(),
        finished_at timestamptz,
        checked integer not null default 0,
        repaired integer not null default 0,
        unresolved integer not null default 0,
        discrepancies jsonb not null default '[]'
      )`);

    this.addSql('alter table transfer add column quote_patched boolean not null default false');
    this.addSql(`update transfer set quote_patched = true where creation_state = 'CREATED'`);
    this.addSql('alter table transfer add column funding_started_at timestamptz');
    this.addSql(`update transfer set funding_started_at = updated_at where funding_state = 'DEBITED'`);
  }

  override async down(): Promise<void> {
    this.addSql('alter table transfer drop column funding_started_at');
    this.addSql('alter table transfer drop column quote_patched');
    this.addSql('drop table recipient_creation_uncertain');
    this.addSql('drop table reconciliation_run');
    this.addSql('drop table transfer_outstanding_debit');
    this.addSql('drop table transfer_movement');
    this.addSql('drop function transfer_movement_rule');
    this.addSql('drop function transfer_movement_append_only');
  }
}
