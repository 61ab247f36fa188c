import { Migration } from '@mikro-orm/migrations';

/**
 * A version per customer of everything the cached GraphQL answers show (transfers, their
 * quotes, recipients and state histories), for src/http/response-cache.ts: an answer kept in
 * memory is served again only while its customer's version is the one read before it was made.
 *
 * Kept by triggers, not by the code that writes: every write path — the ORM, the plain-SQL
 * webhook path, a job, another replica, an operator's SQL — moves the version, so no new path
 * can forget to. The triggers are deferred to commit: the version row is the last lock a
 * transaction takes, held only while it commits, so it never orders a transaction's other
 * locks (no new deadlock between two writers of the same customer) and the version moves in
 * the same commit as the rows. A transaction that writes several customers' rows (no path of
 * the gateway's does; an operator's bulk SQL may) takes their version rows in the order it
 * wrote them, so two such in opposite orders can deadlock at commit, and Postgres aborts one.
 * Once per customer per transaction (the row remembers the transaction that last moved it), so
 * a bulk write costs one update, not one per row. Every customer with rows gets a version row
 * here, so TRUNCATE — which fires no row trigger — can move them all.
 */
export class Migration20261203060000_read_versions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table customer_read_version (
        customer_id text primary key,
        version bigint not null,
        moved_by bigint not null
      )`);
    this.addSql(`
      insert into customer_read_version (customer_id, version, moved_by)
      select customer_id, 1, 0 from (select customer_id from transfer union select customer_id from quote union select customer_id from recipient) c`);
    this.addSql(`
      create function bump_customer_read_version(customer text) returns void language plpgsql as $$
      begin
        insert into customer_read_version (customer_id, version, moved_by) values (customer, 1, txid_current())
          on conflict (customer_id) do update set version = customer_read_version.version + 1, moved_by = excluded.moved_by
          where customer_read_version.moved_by <> excluded.moved_by;
      end $$`);
    // transfer, quote and recipient carry their customer; an event carries its transfer's.
    this.addSql(`
      create function customer_rows_changed() returns trigger language plpgsql as $$
      begin
        if tg_op <> 'INSERT' then perform bump_customer_read_version(old.customer_id); end if;
        if tg_op <> 'DELETE' and (tg_op = 'INSERT' or new.customer_id is distinct from old.customer_id) then
          perform bump_customer_read_version(new.customer_id);
        end if;
        return null;
      end $$`);
    this.addSql(`
      create function transfer_events_changed() returns trigger language plpgsql as $$
      begin
        perform bump_customer_read_version(t.customer_id)
          from transfer t where t.id in (case when tg_op = 'DELETE' then old.transfer_id else new.transfer_id end,
                                         case when tg_op = 'UPDATE' then old.transfer_id end);
        return null;
      end $$`);
    // TRUNCATE fires no row trigger: every answer goes.
    this.addSql(`
      create function customer_rows_truncated() returns trigger language plpgsql as $$
      begin
        update customer_read_version set version = version + 1;
        return null;
      end $$`);
    for (const table of ['transfer', 'quote', 'recipient']) {
      this.addSql(`create constraint trigger ${table}_read_version after insert or update or delete on ${table}
        deferrable initially deferred for each row execute function customer_rows_changed()`);
    }
    this.addSql(`create constraint trigger transfer_event_read_version after insert or update or delete on transfer_event
      deferrable initially deferred for each row execute function transfer_events_changed()`);
    for (const table of ['transfer', 'quote', 'recipient', 'transfer_event']) {
      this.addSql(`create trigger ${table}_truncated_read_version after truncate on ${table} for each statement execute function customer_rows_truncated()`);
    }
  }

  override async down(): Promise<void> {
    for (const table of ['transfer', 'quote', 'recipient', 'transfer_event']) {
      this.addSql(`drop trigger ${table}_read_version on ${table}`);
      this.addSql(`drop trigger ${table}_truncated_read_version on ${table}`);
    }
    this.addSql('drop function transfer_events_changed()');
    this.addSql('drop function customer_rows_changed()');
    this.addSql('drop function customer_rows_truncated()');
    this.addSql('drop function bump_customer_read_version(text)');
    this.addSql('drop table customer_read_version');
  }
}
