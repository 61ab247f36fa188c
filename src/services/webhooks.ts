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
 * The pipeline, one module per step: the signature (lib/rsa-signature.ts), the inbox and its jobs
 * (adapters/postgres/webhook-inbox.ts), then the handler of the event's type
 * (services/webhook-handlers.ts), which writes through the transactions this service opens on the
 * locked inbox row — so the row is marked, and the events published, with exactly what it wrote.
 *
 * Also keeps the application's webhook subscriptions at Wise in place (idempotently).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { StoredDelivery, WebhookInbox } from '../ports/webhook-inbox.js';
import { ormSql, type Orm } from '../db/orm.js';
import type { PlainDb, Sql } from '../db/plain.js';
import type { Metrics } from '../ops/metrics.js';
import type { Logger } from '../logger.js';
import type { WiseHttp } from '../wise/http.js';
import type { DomainEvent, EventBus } from './events.js';
import { SUBSCRIBED_EVENTS } from './webhook-handlers.js';
import { verifyRsaSha256 } from '../lib/rsa-signature.js';

/**
 * What became of a delivery: stored (or recognised as a repeat), or refused — `malformed` when the
 * request is not a Wise delivery at all, `unauthenticated` when it is not signed by Wise. The edge
 * (http/webhooks.ts) says it in HTTP.
 */
export type ReceiveOutcome =
  | { result: 'accepted' | 'duplicate' | 'ignored' }
  | { refused: 'malformed' | 'unauthenticated'; error: string };

/** A stored delivery, as its handler gets it: Wise's `data`, and when the event happened at Wise. */
export type WebhookDelivery = { deliveryId: string; eventType: string; data: any; occurredAt: Date };

/** What applying a delivery did: the inbox row's status and why, and the events it appended. */
export type WebhookOutcome = { status: 'applied' | 'ignored' | 'stale'; note?: string; events: DomainEvent[] };

/**
 * The transactions a handler writes in. Each locks the delivery's inbox row first and does nothing
 * when another applier got there before (a job retried, the sweep racing the fast path); then
 * runs `write`, marks the row with its outcome and commits it with the events.
 */
export type WebhookWrites = {
  /** On the plain pool (db/plain.ts). `write` answering null commits nothing of its own: false, for another way. */
  plain(write: (sql: Sql) => Promise<WebhookOutcome | null>): Promise<boolean>;
  /** Through the ORM, on a fork of its entity manager. */
  orm(write: (em: EntityManager) => Promise<WebhookOutcome>): Promise<void>;
};

/** Applies the deliveries of one Wise event type (one entry in services/webhook-handlers.ts). */
export type WebhookHandler = { apply(delivery: WebhookDelivery, writes: WebhookWrites): Promise<void> };

/** The handlers, by Wise event type: a delivery of any other type is stored as ignored. */
export type WebhookHandlers = Readonly<Record<string, WebhookHandler>>;

/** Events older than this are refused: Wise retries a delivery for about two weeks, not longer. */
export const MAX_EVENT_AGE_DAYS = 15;
const MAX_EVENT_AGE_MS = MAX_EVENT_AGE_DAYS * 24 * 3600_000;

/** A pending delivery older than this is an orphan (its receiver died): the sweep applies it. */
const ORPHANED_AFTER_SECONDS = 5;

const ignored = (note: string) => async (): Promise<WebhookOutcome> => ({ status: 'ignored', note, events: [] });

export class WebhookService {
  /** How each event type is applied, as given (tests wrap a handler to watch it). */
  readonly handlers: WebhookHandlers;
  private readonly fastPath: { running: number; queue: { deliveryId: string; delivery: StoredDelivery }[]; idle: Array<() => void> } = { running: 0, queue: [], idle: [] };

  constructor(
    private readonly deps: {
      orm: Orm;
      db: PlainDb;
      inbox: WebhookInbox<Sql>;
      events: EventBus;
      logger: Logger;
      handlers: WebhookHandlers;
      publicKeyPem: () => string | undefined;
      /** Apply in this process right after answering; off when this process runs no jobs. */
      fastPath?: { concurrency: number; maxQueued: number };
      /** Webhook lag (Wise's occurred_at → applied here), on every path that applies. */
      metrics?: Metrics;
    },
  ) {
    this.handlers = deps.handlers;
  }

  /** Verifies and stores one delivery. Nothing is stored from a request that fails a check. */
  async receive(rawBody: Buffer, headers: Record<string, string | undefined>): Promise<ReceiveOutcome> {
    const signature = headers['x-signature-sha256'];
    const deliveryId = headers['x-delivery-id'];
    if (!signature) return { refused: 'malformed', error: 'X-Signature-SHA256 is missing' };
    const key = this.deps.publicKeyPem();
    if (!key) return { refused: 'unauthenticated', error: 'No Wise webhook key is configured' };
    if (!verifyRsaSha256(rawBody, signature, key)) return { refused: 'unauthenticated', error: 'The signature does not match the body' };
    if (!deliveryId || deliveryId.length > 100) return { refused: 'malformed', error: 'X-Delivery-Id is missing' };

    let event: { event_type?: unknown; subscription_id?: unknown; schema_version?: unknown; data?: { occurred_at?: unknown } };
    try {
      event = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return { refused: 'malformed', error: 'The body is not JSON' };
    }
    if (!event || typeof event !== 'object' || typeof event.event_type !== 'string') return { refused: 'malformed', error: 'The body is not a Wise event' };

    const occurredAt = typeof event.data?.occurred_at === 'string' && !Number.isNaN(Date.parse(event.data.occurred_at)) ? new Date(event.data.occurred_at) : null;
    // Wise retries a delivery for about two weeks; a signed event older than that is a replay.
    if (occurredAt && Date.now() - occurredAt.getTime() > MAX_EVENT_AGE_MS) return { refused: 'malformed', error: `The event is older than ${MAX_EVENT_AGE_DAYS} days` };
    // X-Test-Notification is outside the signature: it labels the row, it decides nothing. A
    // test notification names profile and transfer 0, which nothing here has, so it changes nothing.
    const test = headers['x-test-notification'] === 'true';
    const known = this.handlerFor(event.event_type) !== undefined;
    const status = known ? 'pending' : 'ignored';
    const note = known ? null : 'event type not applied by this gateway';

    const fast = this.deps.fastPath && this.fastPath.queue.length < this.deps.fastPath.maxQueued;
    const inserted = await this.deps.inbox.store(
      { deliveryId, eventType: event.event_type, subscriptionId: scalarText(event.subscription_id), schemaVersion: scalarText(event.schema_version), occurredAt, body: rawBody.toString('utf8'), test, status, note },
      status === 'pending' && !fast,
    );
    if (!inserted) return { result: 'duplicate' };
    // The fast path applies what was just stored as it was parsed here, without reading it back.
    if (fast && status === 'pending') this.enqueueFastPath(deliveryId, { eventType: event.event_type, data: event.data ?? {}, occurredAt, status });
    return { result: known ? 'accepted' : 'ignored' };
  }

  private enqueueFastPath(deliveryId: string, delivery: StoredDelivery): void {
    this.fastPath.queue.push({ deliveryId, delivery });
    this.pumpFastPath();
  }

  private pumpFastPath(): void {
    const limit = this.deps.fastPath?.concurrency ?? 0;
    while (this.fastPath.running < limit && this.fastPath.queue.length > 0) {
      const { deliveryId, delivery } = this.fastPath.queue.shift()!;
      this.fastPath.running += 1;
      // Not awaited by the request: Wise has its answer already. On failure a job takes over
      // (with its retries); if even that cannot be stored, the sweep finds the pending row.
      void this.apply(deliveryId, delivery)
        .catch(async (error) => {
          this.deps.logger.warn({ err: error, deliveryId }, 'applying a webhook failed; handing it to a job');
          await this.deps.inbox.enqueueJobs([deliveryId]).catch((error) => this.deps.logger.warn({ err: error, deliveryId }, 'could not enqueue the webhook job; the sweep will apply it'));
        })
        .finally(() => {
          this.fastPath.running -= 1;
          this.pumpFastPath();
        });
    }
    if (this.fastPath.running === 0 && this.fastPath.queue.length === 0) for (const done of this.fastPath.idle.splice(0)) done();
  }

  /**
   * Applies deliveries left pending longer than a receiver needs (it died after answering Wise)
   * and with no job to apply them. Safe beside a live fast path: apply() locks the row and
   * skips what is no longer pending. One that fails becomes a job, with the job's retries.
   */
  async applyOrphans(limit = 500): Promise<number> {
    let applied = 0;
    for (const deliveryId of await this.deps.inbox.orphans(ORPHANED_AFTER_SECONDS, limit)) {
      // One delivery that cannot be applied yet (its transfer not stored) must not hold up the rest.
      try {
        await this.apply(deliveryId);
        applied += 1;
      } catch (error) {
        this.deps.logger.warn({ err: error, deliveryId }, 'pending webhook not applied yet; handing it to a job');
        await this.deps.inbox.enqueueJobs([deliveryId]).catch((enqueueError: unknown) =>
          this.deps.logger.warn({ err: enqueueError, deliveryId }, 'could not hand a pending webhook to a job; the next sweep tries it again'),
        );
      }
    }
    return applied;
  }

  /**
   * On stop: deliveries still waiting for the fast path become jobs (another replica, or this
   * one after a restart, applies them at once), and the applies under way finish.
   */
  async drain(): Promise<void> {
    const waiting = this.fastPath.queue.splice(0).map((w) => w.deliveryId);
    if (waiting.length > 0) {
      await this.deps.inbox.enqueueJobs(waiting).catch((error) => this.deps.logger.warn({ err: error, count: waiting.length }, 'could not hand waiting webhooks to jobs; the sweep will apply them'));
    }
    if (this.fastPath.running === 0) return;
    await new Promise<void>((resolve) => this.fastPath.idle.push(resolve));
  }

  /**
   * Applies one stored delivery, once: a job may run again after a crash, or the sweep race the
   * fast path; the row lock and its status say who applied it. The handler of its type decides
   * how it is written (services/webhook-handlers.ts).
   */
  async apply(deliveryId: string, received?: StoredDelivery): Promise<void> {
    // `received`: the delivery as its receiver stored it a moment ago (the fast path). Whether it
    // is still pending is decided under the row's lock, in the transaction that applies it.
    const stored = received ?? (await this.deps.inbox.read(deliveryId));
    if (!stored || stored.status !== 'pending') return;
    const writes = this.writesFor(deliveryId, stored.eventType, stored.occurredAt);
    const handler = this.handlerFor(stored.eventType);
    if (!stored.occurredAt) await writes.plain(ignored('no occurred_at'));
    else if (!handler) await writes.plain(ignored('event type not applied by this gateway'));
    else await handler.apply({ deliveryId, eventType: stored.eventType, data: stored.data, occurredAt: stored.occurredAt }, writes);
  }

  private handlerFor(eventType: string): WebhookHandler | undefined {
    return Object.hasOwn(this.deps.handlers, eventType) ? this.deps.handlers[eventType] : undefined;
  }

  private writesFor(deliveryId: string, eventType: string, occurredAt: Date | null): WebhookWrites {
    const { inbox } = this.deps;
    // After the commit: the lag metric.
    const committed = () => this.deps.metrics?.recordWebhookApplied(eventType, occurredAt);
    return {
      plain: async (write) => {
        let wrote = false;
        // Begun with the row locked, in one round trip.
        const done = await inbox.applying(deliveryId, async (sql, status) => {
          if (status !== 'pending') return true;
          const outcome = await write(sql);
          if (!outcome) return false;
          await this.finish(sql, deliveryId, outcome);
          wrote = true;
          return true;
        });
        if (wrote) committed();
        return done;
      },
      orm: async (write) => {
        let wrote = false;
        await this.deps.orm.em.fork().transactional(async (tx) => {
          const sql = ormSql(tx);
          if ((await inbox.lock(sql, deliveryId)) !== 'pending') return;
          await this.finish(sql, deliveryId, await write(tx));
          wrote = true;
        });
        if (wrote) committed();
      },
    };
  }

  /**
   * Marks the row and hands the events to the bus in the same transaction, in one statement (the
   * mark carries their NOTIFY along): subscribers hear of the change exactly when it commits.
   */
  private async finish(sql: Sql, deliveryId: string, outcome: WebhookOutcome): Promise<void> {
    await this.deps.inbox.mark(sql, deliveryId, outcome.status, outcome.note ?? null, this.deps.events.notificationsOf(outcome.events));
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

/** A JSON scalar as text for a text column; anything else (absent, an object) as ''. */
function scalarText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}
