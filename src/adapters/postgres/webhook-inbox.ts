/**
 * The webhook inbox in PostgreSQL (`webhook_inbox`): one row per Wise event, stored with the
 * graphile-worker job that applies it when it needs one, locked and marked by whoever applies it.
 * Every statement about the inbox and its jobs is here; the webhook service says when.
 */
import type { PlainDb, Sql } from '../../db/plain.js';
import type { InboxStatus, NewDelivery, SelectList, StoredDelivery, WebhookInbox } from '../../ports/webhook-inbox.js';

export type { InboxStatus, NewDelivery, StoredDelivery } from '../../ports/webhook-inbox.js';


/** The job that applies a delivery, keyed so that a delivery never has two (SQL: `column` holds its id). */
const JOB_KEY = (column: string) => `'webhook:' || ${column}`;
const ADD_JOB = (column: string) => `graphile_worker.add_job('apply_webhook', json_build_object('deliveryId', ${column}), job_key := ${JOB_KEY(column)})`;

/** An event's identity (SQL): a hash of its type and its data as Postgres normalizes jsonb. */
const EVENT_KEY = (type: string, body: string) => `encode(sha256(convert_to(${type} || ':' || (${body} -> 'data')::text, 'UTF8')), 'hex')`;

const STORE = `with stored as (
    insert into webhook_inbox (delivery_id, event_type, subscription_id, schema_version, occurred_at, body, test, status, note, event_key)
    values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, ${EVENT_KEY('$2', '$6::jsonb')}) on conflict do nothing returning delivery_id
  )
  select delivery_id, case when $10::boolean then (${ADD_JOB('delivery_id')}).id end as job_id from stored`;
const READ = "select event_type, body -> 'data' as data, (extract(epoch from occurred_at) * 1000)::float8 as occurred_ms, status from webhook_inbox where delivery_id = $1";
// `?` placeholders: these run on whichever transaction applies the delivery, plain or ORM.
const LOCK = 'select status from webhook_inbox where delivery_id = ? for update';
const MARK = 'update webhook_inbox set status = ?, note = ?, applied_at = now() where delivery_id = ?';
const ENQUEUE = `select ${ADD_JOB('id')} from json_array_elements_text($1::json) as id`;
// A delivery with a job is the job's (it retries with backoff); the sweep takes orphans.
const ORPHANS = `select delivery_id from webhook_inbox i
  where status = 'pending' and received_at < now() - make_interval(secs => $1)
    and not exists (select 1 from graphile_worker.jobs j where j.key = ${JOB_KEY('i.delivery_id')})
  order by received_at limit $2`;
const PENDING = "select count(*)::int as n from webhook_inbox where status = 'pending'";

export class PostgresWebhookInbox implements WebhookInbox<Sql> {
  constructor(private readonly db: PlainDb) {}

  /**
   * Stores a delivery, with its job when `withJob`, in one statement: one round trip, and atomic
   * by itself — the delivery is stored with its job or not at all. The event's identity is what
   * the signature covers (its type and data), so a repeat under the same or any other
   * X-Delivery-Id inserts nothing and gets no job. False for such a repeat.
   */
  async store(delivery: NewDelivery, withJob: boolean): Promise<boolean> {
    const rows = await this.db.query<{ delivery_id: string }>(STORE, [
      delivery.deliveryId,
      delivery.eventType,
      delivery.subscriptionId,
      delivery.schemaVersion,
      delivery.occurredAt,
      delivery.body,
      delivery.test,
      delivery.status,
      delivery.note,
      withJob,
    ]);
    return rows.length > 0;
  }

  async read(deliveryId: string): Promise<StoredDelivery | undefined> {
    const [row] = await this.db.query<{ event_type: string; data: any; occurred_ms: number | null; status: string }>(READ, [deliveryId]);
    if (!row) return undefined;
    return { eventType: row.event_type, data: row.data ?? {}, occurredAt: row.occurred_ms === null ? null : new Date(Math.round(Number(row.occurred_ms))), status: row.status };
  }

  /** Locks the row in `sql`'s transaction until it ends; its status then (undefined: no such row). */
  async lock(sql: Sql, deliveryId: string): Promise<string | undefined> {
    const [row] = await sql<{ status: string }>(LOCK, [deliveryId]);
    return row?.status;
  }

  /** The delivery's transaction, begun and its row locked in one round trip (the fast path's). */
  async applying<T>(deliveryId: string, work: (sql: Sql, status: string | undefined) => Promise<T>): Promise<T> {
    return this.db.transaction<T, { status: string }>(
      (sql, [row]) => work(sql, row?.status),
      (literal) => `select status from webhook_inbox where delivery_id = ${literal(deliveryId)} for update`,
    );
  }

  /**
   * Marks the row as applied (or why not), in the transaction that applied it — with
   * `alongside` (the events' NOTIFY) in the same statement: a data-modifying WITH runs whether
   * or not the select reads it.
   */
  async mark(sql: Sql, deliveryId: string, status: InboxStatus, note: string | null, alongside?: SelectList | null): Promise<void> {
    if (!alongside) await sql(MARK, [status, note, deliveryId]);
    else await sql(`with marked as (${MARK}) select ${alongside.select}`, [status, note, deliveryId, ...alongside.params]);
  }

  /** Hands deliveries to jobs (one each at most: the job key). */
  async enqueueJobs(deliveryIds: string[]): Promise<void> {
    await this.db.query(ENQUEUE, [JSON.stringify(deliveryIds)]);
  }

  /** Deliveries pending for longer than `seconds` with no job to apply them, oldest first. */
  async orphans(seconds: number, limit: number): Promise<string[]> {
    const rows = await this.db.query<{ delivery_id: string }>(ORPHANS, [seconds, limit]);
    return rows.map((row) => row.delivery_id);
  }

  /** Deliveries stored and not yet applied (a metric). */
  async pendingCount(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(PENDING, []);
    return row.n;
  }
}
