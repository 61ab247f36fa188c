import { Migration } from '@mikro-orm/migrations';

/**
 * Live state (issue #14): the per-customer event log that subscriptions replay from, the
 * transfer history's place in Wise's order of states, and webhook identity from the signed body.
 */
export class Migration20261202112100_live_state_event_log extends Migration {
  override async up(): Promise<void> {
    // Every event a customer's subscriptions may see, numbered per customer. The counter row is
    // taken (row lock) by the transaction that appends, until it commits: per customer, commit
    // order is sequence order, so a subscriber that saw N has seen everything up to N.
    this.addSql(`
      create table customer_event_counter (
        customer_id text primary key,
        last_sequence bigint not null
      )`);
    this.addSql(`
      create table customer_event (
        customer_id text not null,
        sequence bigint not null,
        type text not null,
        payload jsonb not null,
        recorded_at timestamptz not null default now(),
        primary key (customer_id, sequence)
      )`);

    // A transfer state's place in Wise's order (null while it waits for the state Wise says came
    // before it), and that previous state as Wise sent it.
    this.addSql('alter table transfer_event add column position integer');
    this.addSql('alter table transfer_event add column previous_state text');
    this.addSql('alter table transfer_event add column held boolean not null default false');
    this.addSql(`
      update transfer_event e set position = ordered.n
      from (select id, row_number() over (partition by transfer_id order by occurred_at, id) as n from transfer_event) ordered
      where ordered.id = e.id`);
    this.addSql('create unique index transfer_event_position_index on transfer_event (transfer_id, position)');

    // The event's own identity, from what the signature covers (its type and data), not from a
    // header anyone can change: the same event under another X-Delivery-Id is a duplicate.
    this.addSql('alter table webhook_inbox add column event_key text');
    this.addSql(`update webhook_inbox set event_key = encode(sha256(convert_to(event_type || ':' || (body -> 'data')::text, 'UTF8')), 'hex')`);
    // Deliveries stored before, for one event under several ids: the first one stands.
    this.addSql(`
      delete from webhook_inbox w using webhook_inbox older
      where w.event_key = older.event_key and (older.received_at, older.delivery_id) < (w.received_at, w.delivery_id)`);
    this.addSql('create unique index webhook_inbox_event_key_index on webhook_inbox (event_key)');
  }

  override async down(): Promise<void> {
    this.addSql('drop index webhook_inbox_event_key_index');
    this.addSql('alter table webhook_inbox drop column event_key');
    this.addSql('drop index transfer_event_position_index');
    this.addSql('alter table transfer_event drop column held');
    this.addSql('alter table transfer_event drop column previous_state');
    this.addSql('alter table transfer_event drop column position');
    this.addSql('drop table customer_event');
    this.addSql('drop table customer_event_counter');
  }
}
