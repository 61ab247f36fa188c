/**
 * Wise webhooks: verified on the raw body, written to an inbox keyed by X-Delivery-Id (a
 * repeat is acknowledged and ignored), a job enqueued in the same transaction, answered at
 * once. The job applies the event — ordered by `occurred_at`, so an older event never
 * overwrites a newer state — and publishes it to subscribers.
 *
 * Also keeps the application's webhook subscriptions at Wise in place (idempotently).
 */
import { createVerify } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../db/orm.js';
import { WiseProfile, type VerificationRoute } from '../entities/WiseProfile.js';
import type { Logger } from '../logger.js';
import type { WiseHttp } from '../wise/http.js';
import type { DomainEvent, EventBus } from './events.js';

/** The events the gateway subscribes to and applies. */
export const SUBSCRIBED_EVENTS = ['profiles#verification-state-change', 'transfers#state-change'] as const;

export type ReceiveOutcome =
  | { status: 200; result: 'accepted' | 'duplicate' | 'test' | 'ignored' }
  | { status: 400 | 401; error: string };

export type TransferStateEvent = { transferId: number; profileId: number; currentState: string; previousState: string | null; occurredAt: Date; deliveryId: string };

/** How transfer events are applied; the transfers service registers it (later issue). */
export type TransferEventHandler = (em: EntityManager, event: TransferStateEvent) => Promise<{ applied: boolean; note?: string; events: DomainEvent[] }>;

export class WebhookService {
  transferHandler: TransferEventHandler | undefined;

  constructor(
    private readonly deps: {
      orm: Orm;
      events: EventBus;
      logger: Logger;
      publicKeyPem: () => string | undefined;
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

    const test = headers['x-test-notification'] === 'true';
    const known = (SUBSCRIBED_EVENTS as readonly string[]).includes(event.event_type);
    const occurredAt = typeof event.data?.occurred_at === 'string' && !Number.isNaN(Date.parse(event.data.occurred_at)) ? new Date(event.data.occurred_at) : null;
    const status = test ? 'ignored' : known ? 'pending' : 'ignored';
    const note = test ? 'test notification' : known ? null : 'event type not applied by this gateway';

    const em = this.deps.orm.em.fork() as EntityManager;
    const inserted = await em.transactional(async (tx) => {
      const rows = await tx.getConnection().execute(
        `insert into webhook_inbox (delivery_id, event_type, subscription_id, schema_version, occurred_at, body, test, status, note)
         values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?) on conflict (delivery_id) do nothing returning delivery_id`,
        [deliveryId, event.event_type, String(event.subscription_id ?? ''), String(event.schema_version ?? ''), occurredAt, rawBody.toString('utf8'), test, status, note],
        'all',
        tx.getTransactionContext(),
      );
      if (rows.length === 0) return false;
      if (status === 'pending') {
        // Same transaction: a delivery is stored with its job or not at all.
        await tx.getConnection().execute(
          `select graphile_worker.add_job('apply_webhook', json_build_object('deliveryId', ?::text), job_key := ?)`,
          [deliveryId, `webhook:${deliveryId}`],
          'all',
          tx.getTransactionContext(),
        );
      }
      return true;
    });
    if (!inserted) return { status: 200, result: 'duplicate' };
    return { status: 200, result: test ? 'test' : known ? 'accepted' : 'ignored' };
  }

  /** Applies one stored delivery, once: the job may run again after a crash; the row says. */
  async apply(deliveryId: string): Promise<void> {
    const em = this.deps.orm.em.fork() as EntityManager;
    const published: DomainEvent[] = [];
    await em.transactional(async (tx) => {
      const [row] = await tx
        .getConnection()
        .execute<{ event_type: string; body: any; status: string; occurred_ms: string | null }[]>(
          // Epoch milliseconds: raw rows carry timestamps as text, not Dates.
          'select event_type, body, status, extract(epoch from occurred_at) * 1000 as occurred_ms from webhook_inbox where delivery_id = ? for update',
          [deliveryId],
          'all',
          tx.getTransactionContext(),
        );
      if (!row || row.status !== 'pending') return;
      const occurredAt = row.occurred_ms === null ? null : new Date(Math.round(Number(row.occurred_ms)));
      const outcome = await this.applyEvent(tx, deliveryId, row.event_type, row.body, occurredAt);
      published.push(...outcome.events);
      await tx
        .getConnection()
        .execute('update webhook_inbox set status = ?, note = ?, applied_at = now() where delivery_id = ?', [outcome.status, outcome.note ?? null, deliveryId], 'run', tx.getTransactionContext());
    });
    for (const event of published) await this.deps.events.publish(event);
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
      if (profile.verificationEventAt && profile.verificationEventAt >= occurredAt) return { status: 'stale', note: 'a newer verification event was applied', events: [] };
      const verified = data.current_state === 'verified';
      const routes: VerificationRoute[] = (profile.verification ?? []).map((r) => ({ ...r, status: verified ? 'verified' : 'not_verified' }));
      profile.verification = routes.length ? routes : null;
      profile.verificationEventAt = occurredAt;
      // With no routes cached yet, the next read asks Wise for the amounts per currency.
      if (!routes.length) profile.verificationSyncedAt = null;
      await em.flush();
      return {
        status: 'applied',
        events: [
          { type: 'verification.changed', customerId: profile.customerId, profileId: profile.id },
          { type: 'onboarding.changed', customerId: profile.customerId },
        ],
      };
    }
    if (eventType === 'transfers#state-change') {
      if (!this.transferHandler) return { status: 'ignored', note: 'transfers are not applied yet', events: [] };
      const outcome = await this.transferHandler(em, {
        transferId: Number(data.resource?.id),
        profileId: Number(data.resource?.profile_id),
        currentState: String(data.current_state),
        previousState: data.previous_state ?? null,
        occurredAt,
        deliveryId,
      });
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
