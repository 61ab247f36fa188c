/**
 * Wise webhooks: verified on the raw body, written to an inbox keyed by the event's own identity
 * (what the signature covers: a repeat, under any X-Delivery-Id, is acknowledged and ignored),
 * answered at once. The event is then applied — in Wise's order, so an older event never
 * overwrites a newer state — and appended to the customer's event log for subscribers.
 *
 * Who applies it: the receiving process, straight after answering (the fast path: a subscriber
 * hears of it within milliseconds, with no queue in between). Should that fail, the process
 * hands the delivery to a job; should the process die first, the inbox row is still pending and
 * the `apply_pending_webhooks` sweep (every minute, and at start-up, on any replica) applies it.
 * When the fast path is busy beyond its queue, or this process runs no jobs, a job is enqueued
 * with the delivery, in the same statement that stores it.
 *
 * Also keeps the application's webhook subscriptions at Wise in place (idempotently).
 */
import { createVerify } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { OnboardingModel } from '../config.js';
import { ormSql, type Orm } from '../db/orm.js';
import type { PlainDb, Sql } from '../db/plain.js';
import { WiseProfile, type VerificationRoute } from '../entities/WiseProfile.js';
import type { Metrics } from '../ops/metrics.js';
import type { Logger } from '../logger.js';
import type { WiseHttp } from '../wise/http.js';
import { appendEvents, type DomainEvent, type EventBus } from './events.js';
import { onboardingChanged } from './onboarding-status.js';
import { verificationChanged } from './profiles.js';

/** The events the gateway subscribes to and applies. */
export const SUBSCRIBED_EVENTS = ['profiles#verification-state-change', 'transfers#state-change'] as const;

export type ReceiveOutcome =
  | { status: 200; result: 'accepted' | 'duplicate' | 'ignored' }
  | { status: 400 | 401; error: string };

export type TransferStateEvent = { transferId: number; profileId: number; currentState: string; previousState: string | null; occurredAt: Date; deliveryId: string };

export type TransferEventOutcome = { applied: boolean; note?: string; events: DomainEvent[] };

/** How transfer events are applied through the ORM; the transfers service registers it. */
export type TransferEventHandler = (em: EntityManager, event: TransferStateEvent) => Promise<TransferEventOutcome>;

/** The hot path for transfer events, on a plain transaction; null hands the event to the ORM path. */
export type HotPathTransferHandler = (sql: Sql, event: TransferStateEvent) => Promise<TransferEventOutcome | null>;

function transferEventOf(deliveryId: string, data: any, occurredAt: Date): TransferStateEvent {
  return {
    transferId: Number(data.resource?.id),
    profileId: Number(data.resource?.profile_id),
    currentState: String(data.current_state),
    previousState: data.previous_state ?? null,
    occurredAt,
    deliveryId,
  };
}

type InboxRow = { event_type: string; body: any; status: string; occurred_ms: number | null };
const LOCK_INBOX_ROW = 'select event_type, body, status, (extract(epoch from occurred_at) * 1000)::float8 as occurred_ms from webhook_inbox where delivery_id = ? for update';
const MARK_INBOX_ROW = 'update webhook_inbox set status = ?, note = ?, applied_at = now() where delivery_id = ?';

/** The job that applies a delivery, keyed so that a delivery never has two (SQL: `column` holds its id). */
const JOB_KEY = (column: string) => `'webhook:' || ${column}`;
const ADD_JOB = (column: string) => `graphile_worker.add_job('apply_webhook', json_build_object('deliveryId', ${column}), job_key := ${JOB_KEY(column)})`;

/** Events older than this are refused: Wise retries a delivery for about two weeks, not longer. */
export const MAX_EVENT_AGE_DAYS = 15;
const MAX_EVENT_AGE_MS = MAX_EVENT_AGE_DAYS * 24 * 3600_000;

/** An event's identity (SQL): a hash of its type and its data as Postgres normalizes jsonb. */
const EVENT_KEY = (type: string, body: string) => `encode(sha256(convert_to(${type} || ':' || (${body} -> 'data')::text, 'UTF8')), 'hex')`;

/** A pending delivery older than this is an orphan (its receiver died): the sweep applies it. */
const ORPHANED_AFTER_SECONDS = 5;

export class WebhookService {
  transferHandler: TransferEventHandler | undefined;
  transferHotPath: HotPathTransferHandler | undefined;
  /** Serialises a transfer event's transaction with the transfer's other money operations. */
  transferLock: (<T>(db: PlainDb, wiseTransferId: number, work: () => Promise<T>) => Promise<T>) | undefined;
  private readonly fastPath: { running: number; queue: string[]; idle: Array<() => void> } = { running: 0, queue: [], idle: [] };

  constructor(
    private readonly deps: {
      orm: Orm;
      db: PlainDb;
      events: EventBus;
      logger: Logger;
      /** How the bank onboards customers (the snapshot a verification change's onboarding event carries). */
      onboardingModel: OnboardingModel;
      publicKeyPem: () => string | undefined;
      /** Apply in this process right after answering; off when this process runs no jobs. */
      fastPath?: { concurrency: number; maxQueued: number };
      /** Webhook lag (Wise's occurred_at → applied here), on every path that applies. */
      metrics?: Metrics;
    },
  ) {}

  /** Verifies and stores one delivery. Nothing is stored from a request that fails a check. */
  async receive(rawBody: Buffer, headers: Record<string, string | undefined>): Promise<ReceiveOutcome> {
    const signature = headers['x-signature-sha256'];
    const deliveryId = headers['x-delivery-id'];
    if (!signature) return { status: 400, error: 'X-Signature-SHA256 is missing' };
    const key = this.deps.publicKeyPem();
    if (!key) return { status: 401, error: 'No Wise webhook key is configured' };
    let valid = false;
    try {
      valid = createVerify('RSA-SHA256').update(rawBody).verify(key, signature, 'base64');
    } catch {
      valid = false;
    }
    if (!valid) return { status: 401, error: 'The signature does not match the body' };
    if (!deliveryId || deliveryId.length > 100) return { status: 400, error: 'X-Delivery-Id is missing' };

    let event: { event_type?: unknown; subscription_id?: unknown; schema_version?: unknown; data?: { occurred_at?: unknown } };
    try {
      event = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return { status: 400, error: 'The body is not JSON' };
    }
    if (!event || typeof event !== 'object' || typeof event.event_type !== 'string') return { status: 400, error: 'The body is not a Wise event' };

    const occurredAt = typeof event.data?.occurred_at === 'string' && !Number.isNaN(Date.parse(event.data.occurred_at)) ? new Date(event.data.occurred_at) : null;
    // Wise retries a delivery for about two weeks; a signed event older than that is a replay.
    if (occurredAt && Date.now() - occurredAt.getTime() > MAX_EVENT_AGE_MS) return { status: 400, error: `The event is older than ${MAX_EVENT_AGE_DAYS} days` };
    // X-Test-Notification is outside the signature: it labels the row, it decides nothing. A
    // test notification names profile and transfer 0, which nothing here has, so it changes nothing.
    const test = headers['x-test-notification'] === 'true';
    const known = (SUBSCRIBED_EVENTS as readonly string[]).includes(event.event_type);
    const status = known ? 'pending' : 'ignored';
    const note = known ? null : 'event type not applied by this gateway';

    const fast = this.deps.fastPath && this.fastPath.queue.length < this.deps.fastPath.maxQueued;
    // One statement, so one round trip and atomic by itself: the delivery is stored with its
    // job (when it needs one) or not at all. The event's identity is what the signature covers
    // — its type and data — so a repeat (under the same or any other X-Delivery-Id, from a
    // retry, a second subscription or a replay) inserts nothing and gets no job.
    const stored = await this.deps.db.query<{ delivery_id: string }>(
      `with stored as (
         insert into webhook_inbox (delivery_id, event_type, subscription_id, schema_version, occurred_at, body, test, status, note, event_key)
         values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, ${EVENT_KEY('$2', '$6::jsonb')}) on conflict do nothing returning delivery_id
       )
       select delivery_id, case when $10::boolean then (${ADD_JOB('delivery_id')}).id end as job_id from stored`,
      [
        deliveryId,
        event.event_type,
        String(event.subscription_id ?? ''),
        String(event.schema_version ?? ''),
        occurredAt,
        rawBody.toString('utf8'),
        test,
        status,
        note,
        status === 'pending' && !fast,
      ],
    );
    const inserted = stored.length > 0;
    if (!inserted) return { status: 200, result: 'duplicate' };
    if (fast && status === 'pending') this.enqueueFastPath(deliveryId);
    return { status: 200, result: known ? 'accepted' : 'ignored' };
  }

  private enqueueFastPath(deliveryId: string): void {
    this.fastPath.queue.push(deliveryId);
    this.pumpFastPath();
  }

  private pumpFastPath(): void {
    const limit = this.deps.fastPath?.concurrency ?? 0;
    while (this.fastPath.running < limit && this.fastPath.queue.length > 0) {
      const deliveryId = this.fastPath.queue.shift()!;
      this.fastPath.running += 1;
      // Not awaited by the request: Wise has its answer already. On failure a job takes over
      // (with its retries); if even that cannot be stored, the sweep finds the pending row.
      void this.apply(deliveryId)
        .catch(async (error) => {
          this.deps.logger.warn({ err: error, deliveryId }, 'applying a webhook failed; handing it to a job');
          await this.enqueueJobs([deliveryId]).catch((error) => this.deps.logger.warn({ err: error, deliveryId }, 'could not enqueue the webhook job; the sweep will apply it'));
        })
        .finally(() => {
          this.fastPath.running -= 1;
          this.pumpFastPath();
        });
    }
    if (this.fastPath.running === 0 && this.fastPath.queue.length === 0) for (const done of this.fastPath.idle.splice(0)) done();
  }

  /** Hands deliveries to jobs (one each at most: the job key). */
  private async enqueueJobs(deliveryIds: string[]): Promise<void> {
    await this.deps.db.query(`select ${ADD_JOB('id')} from json_array_elements_text($1::json) as id`, [JSON.stringify(deliveryIds)]);
  }

  /**
   * Applies deliveries left pending longer than a receiver needs (it died after answering Wise)
   * and with no job to apply them. Safe beside a live fast path: apply() locks the row and
   * skips what is no longer pending. One that fails becomes a job, with the job's retries.
   */
  async applyOrphans(limit = 500): Promise<number> {
    const rows = await this.deps.orm.em
      .getConnection()
      .execute<{ delivery_id: string }[]>(
        // A delivery with a job is the job's (it retries with backoff); the sweep takes orphans.
        `select delivery_id from webhook_inbox i
         where status = 'pending' and received_at < now() - make_interval(secs => ?)
           and not exists (select 1 from graphile_worker.jobs j where j.key = ${JOB_KEY('i.delivery_id')})
         order by received_at limit ?`,
        [ORPHANED_AFTER_SECONDS, limit],
        'all',
      );
    let applied = 0;
    for (const row of rows) {
      // One delivery that cannot be applied yet (its transfer not stored) must not hold up the rest.
      try {
        await this.apply(row.delivery_id);
        applied += 1;
      } catch (error) {
        this.deps.logger.warn({ err: error, deliveryId: row.delivery_id }, 'pending webhook not applied yet; handing it to a job');
        await this.enqueueJobs([row.delivery_id]).catch(() => undefined);
      }
    }
    return applied;
  }

  /**
   * On stop: deliveries still waiting for the fast path become jobs (another replica, or this
   * one after a restart, applies them at once), and the applies under way finish.
   */
  async drain(): Promise<void> {
    const waiting = this.fastPath.queue.splice(0);
    if (waiting.length > 0) {
      await this.enqueueJobs(waiting).catch((error) => this.deps.logger.warn({ err: error, count: waiting.length }, 'could not hand waiting webhooks to jobs; the sweep will apply them'));
    }
    if (this.fastPath.running === 0) return;
    await new Promise<void>((resolve) => this.fastPath.idle.push(resolve));
  }

  /**
   * Applies one stored delivery, once: a job may run again after a crash, or the sweep race the
   * fast path; the row lock and its status say who applied it.
   */
  async apply(deliveryId: string): Promise<void> {
    if (await this.applyOnHotPath(deliveryId)) return;
    // A transfer event may move money: its whole transaction runs under the transfer's money lock.
    const [peek] = await this.deps.db.query<{ event_type: string; transfer_id: string | null }>(
      "select event_type, body -> 'data' -> 'resource' ->> 'id' as transfer_id from webhook_inbox where delivery_id = $1",
      [deliveryId],
    );
    const wiseTransferId = peek?.event_type === 'transfers#state-change' ? Number(peek.transfer_id) : NaN;
    if (this.transferLock && Number.isSafeInteger(wiseTransferId)) {
      await this.transferLock(this.deps.db, wiseTransferId, () => this.applyInTransaction(deliveryId));
      return;
    }
    await this.applyInTransaction(deliveryId);
  }

  private async applyInTransaction(deliveryId: string): Promise<void> {
    const em = this.deps.orm.em.fork() as EntityManager;
    const published: DomainEvent[] = [];
    let applied: { eventType: string; occurredAt: Date | null } | undefined;
    await em.transactional(async (tx) => {
      const sql = ormSql(tx);
      const [row] = await sql<InboxRow>(LOCK_INBOX_ROW, [deliveryId]);
      if (!row || row.status !== 'pending') return;
      const occurredAt = row.occurred_ms === null ? null : new Date(Math.round(Number(row.occurred_ms)));
      const outcome = await this.applyEvent(tx, deliveryId, row.event_type, row.body, occurredAt);
      await sql(MARK_INBOX_ROW, [outcome.status, outcome.note ?? null, deliveryId]);
      await this.publishWith(sql, outcome.events, published);
      applied = { eventType: row.event_type, occurredAt };
    });
    if (applied) this.deps.metrics?.recordWebhookApplied(applied.eventType, applied.occurredAt);
    for (const event of published) await this.deps.events.publish(event);
  }

  /**
   * Nearly every delivery is a transfer moving to a state that moves no money: applied here in
   * one plain transaction. False when it is anything else, for the ORM path above.
   */
  private async applyOnHotPath(deliveryId: string): Promise<boolean> {
    const handler = this.transferHotPath;
    if (!handler) return false;
    const published: DomainEvent[] = [];
    let appliedAt: Date | undefined;
    const done = await this.deps.db.transaction(async (sql) => {
      const [row] = await sql<InboxRow>(LOCK_INBOX_ROW, [deliveryId]);
      if (!row || row.status !== 'pending') return true;
      if (row.event_type !== 'transfers#state-change' || row.occurred_ms === null) return false;
      const event = transferEventOf(deliveryId, row.body?.data ?? {}, new Date(Math.round(Number(row.occurred_ms))));
      if (!Number.isSafeInteger(event.transferId)) return false;
      const outcome = await handler(sql, event);
      if (!outcome) return false;
      await sql(MARK_INBOX_ROW, [outcome.applied ? 'applied' : 'stale', outcome.note ?? null, deliveryId]);
      await this.publishWith(sql, outcome.events, published);
      appliedAt = event.occurredAt;
      return true;
    });
    if (appliedAt) this.deps.metrics?.recordWebhookApplied('transfers#state-change', appliedAt);
    for (const event of published) await this.deps.events.publish(event);
    return done;
  }

  /** Subscribers hear of the change exactly when it is committed (or after, on an in-process bus). */
  private async publishWith(sql: Sql, events: DomainEvent[], after: DomainEvent[]): Promise<void> {
    if (this.deps.events.publishOnCommit) await this.deps.events.publishOnCommit(sql, events);
    else after.push(...events);
  }

  private async applyEvent(
    em: EntityManager,
    deliveryId: string,
    eventType: string,
    body: { data?: any },
    occurredAt: Date | null,
  ): Promise<{ status: 'applied' | 'ignored' | 'stale'; note?: string; events: DomainEvent[] }> {
    const data = body.data ?? {};
    if (!occurredAt) return { status: 'ignored', note: 'no occurred_at', events: [] };
    if (eventType === 'profiles#verification-state-change') {
      const profile = await em.findOne(WiseProfile, Number(data.resource?.id));
      if (!profile) return { status: 'ignored', note: 'profile not linked here', events: [] };
      const verified = data.current_state === 'verified';
      const last = profile.verificationEventAt;
      const sameSecond = last !== null && Math.floor(last.getTime() / 1000) === Math.floor(occurredAt.getTime() / 1000);
      if (last && last > occurredAt && !sameSecond) return { status: 'stale', note: 'a newer verification event was applied', events: [] };
      const current = (profile.verification ?? []).some((r) => r.status === 'verified');
      if (sameSecond && current === verified) return { status: 'stale', note: 'a verification event of the same second said the same', events: [] };
      // Not verified closes the gate now: whatever amount Wise allowed before no longer stands
      // (the next check from Wise says what it allows now).
      const routes: VerificationRoute[] = (profile.verification ?? []).map((r) => ({ ...r, status: verified ? 'verified' : 'not_verified', maximumEntitledAmount: verified ? r.maximumEntitledAmount : 0 }));
      profile.verification = routes.length ? routes : null;
      if (!last || occurredAt > last) profile.verificationEventAt = occurredAt;
      // With no routes cached yet the next read asks Wise for the amounts per currency; so does
      // a second event of the same second that disagrees (Wise dates to the second, so only
      // Wise can say which came last — until it does, the gate stays closed).
      if (!routes.length || sameSecond) {
        profile.verificationSyncedAt = null;
        if (sameSecond) profile.verification = routes.map((r) => ({ ...r, status: 'not_verified', maximumEntitledAmount: 0 }));
      }
      await em.flush();
      return {
        status: 'applied',
        events: await appendEvents(ormSql(em), [verificationChanged(profile), await onboardingChanged(em, profile.customerId, this.deps.onboardingModel)]),
      };
    }
    if (eventType === 'transfers#state-change') {
      if (!this.transferHandler) return { status: 'ignored', note: 'transfers are not applied yet', events: [] };
      // Signed by Wise but naming no transfer: nothing to apply, and retrying would not help.
      if (!Number.isSafeInteger(Number(data.resource?.id))) return { status: 'ignored', note: 'the event names no transfer', events: [] };
      const outcome = await this.transferHandler(em, transferEventOf(deliveryId, data, occurredAt));
      return { status: outcome.applied ? 'applied' : 'stale', note: outcome.note, events: outcome.events };
    }
    return { status: 'ignored', note: 'event type not applied by this gateway', events: [] };
  }
}


/**
 * Makes sure the application subscriptions the gateway needs exist at Wise, pointing at this
 * gateway, without duplicating them. `serialize` runs it under a lock (a Postgres advisory lock
 * in the gateway) so replicas starting together do not race each other.
 */
export async function ensureWebhookSubscriptions(deps: {
  http: WiseHttp;
  clientToken: (force?: boolean) => Promise<string>;
  clientKey: string;
  url: string;
  logger: Logger;
  serialize?: <T>(work: () => Promise<T>) => Promise<T>;
}): Promise<{ created: string[]; existing: string[] }> {
  const path = `/v3/applications/${encodeURIComponent(deps.clientKey)}/subscriptions`;
  const pathTemplate = '/v3/applications/{clientKey}/subscriptions';
  const work = async () => {
    const token = await deps.clientToken();
    const current = (await deps.http.request<{ id: string; trigger_on: string; delivery: { url: string } }[]>({ method: 'GET', path, pathTemplate, token, retry: true })).body;
    const created: string[] = [];
    const existing: string[] = [];
    for (const event of SUBSCRIBED_EVENTS) {
      if (current.some((s) => s.trigger_on === event && s.delivery?.url === deps.url)) {
        existing.push(event);
        continue;
      }
      await deps.http.request({
        method: 'POST',
        path,
        pathTemplate,
        token,
        json: { name: `wise-platform-gateway ${event}`, trigger_on: event, delivery: { version: '2.0.0', url: deps.url } },
        // Not retried blindly: a lost answer would duplicate; the next ensure tops up instead.
        retry: false,
      });
      created.push(event);
    }
    deps.logger.info({ created, existing, url: deps.url }, 'Wise webhook subscriptions ensured');
    return { created, existing };
  };
  return deps.serialize ? deps.serialize(work) : work();
}

/** Runs work while holding a Postgres advisory lock (one holder across all replicas). */
export function advisoryLock(orm: Orm, name: string) {
  return async <T>(work: () => Promise<T>): Promise<T> => {
    const em = orm.em.fork() as EntityManager;
    return em.transactional(async (tx) => {
      await tx.getConnection().execute('select pg_advisory_xact_lock(hashtext(?))', [name], 'all', tx.getTransactionContext());
      return work();
    });
  };
}
