/**
 * Webhook subscriptions (application and profile scope) and delivery: Wise's envelope, signed
 * with RSA-SHA256 over the exact body bytes (`X-Signature-SHA256`, base64), one `X-Delivery-Id`
 * per delivery, 2xx within 5 s or it counts as failed and is retried with back-off.
 */
import { randomUUID } from 'node:crypto';
import { deadline } from '../lib/deadline.js';
import { signRsaSha256, verifyRsaSha256 } from '../lib/rsa-signature.js';
import express, { type Request, type Response, type Router } from 'express';
import { isoSeconds } from './clock.js';
import type { SimulatorCore } from './core.js';
import { forbidden, notFound, owned, validationError } from './errors.js';
import type { SimSubscription } from './state.js';
import { authOf, requireClient, requireUser } from './tokens.js';

/** Events that only application subscriptions receive (webhooks.md §3). */
const APPLICATION_ONLY = new Set([
  'profiles#verification-state-change',
  'profiles#cdd-check-state-change',
  'users#state-change',
  'kyc-reviews#state-change',
  'balances#account-state-change',
  'batch-payment-initiations#state-change',
]);
const KNOWN_EVENTS = new Set([
  ...APPLICATION_ONLY,
  'transfers#state-change',
  'transfers#active-cases',
  'transfers#payout-failure',
  'transfers#refund',
  'balances#credit',
  'balances#update',
  'account-details-payment#state-change',
  'swift-in#credit',
]);
const MAX_ATTEMPTS = 25;
const RECEIVER_TIMEOUT_MS = 5000;

export type Delivery = {
  deliveryId: string;
  subscriptionId: string;
  eventType: string;
  url: string;
  body: string;
  test: boolean;
  createdAt: string;
  attempts: { at: string; status: number | null; error: string | null; durationMs: number }[];
  status: 'pending' | 'delivered' | 'failed';
  nextAttemptAt: number | null;
};

export function sign(sim: SimulatorCore, body: string): string {
  return signRsaSha256(body, sim.privateKey);
}

export function verifySignature(publicKeyPem: string, body: string | Buffer, signature: string): boolean {
  return verifyRsaSha256(body, signature, publicKeyPem);
}

export class WebhookDispatcher {
  readonly deliveries: Delivery[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly sim: SimulatorCore) {}

  /** Queues an event for every subscription that wants it; `profileId` scopes profile subs. */
  emit(eventType: string, profileId: number | null, data: Record<string, unknown>): void {
    for (const sub of Object.values(this.sim.state.subscriptions)) {
      if (sub.triggerOn !== eventType) continue;
      if (sub.scope.domain === 'profile' && (APPLICATION_ONLY.has(eventType) || String(profileId) !== sub.scope.id)) continue;
      this.enqueue(sub, eventType, data, false);
    }
  }

  enqueue(sub: SimSubscription, eventType: string, data: Record<string, unknown>, test: boolean): Delivery {
    const body = JSON.stringify({
      data,
      subscription_id: sub.id,
      event_type: eventType,
      schema_version: sub.delivery.version,
      sent_at: isoSeconds(this.sim.clock.now()),
    });
    const delivery: Delivery = {
      deliveryId: randomUUID(),
      subscriptionId: sub.id,
      eventType,
      url: sub.delivery.url,
      body,
      test,
      createdAt: new Date().toISOString(),
      attempts: [],
      status: 'pending',
      nextAttemptAt: Date.now(),
    };
    this.deliveries.push(delivery);
    if (this.deliveries.length > 5000) this.deliveries.splice(0, this.deliveries.length - 5000);
    this.schedule(delivery, 0);
    return delivery;
  }

  private schedule(delivery: Delivery, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const attempt = this.attempt(delivery).finally(() => this.inFlight.delete(attempt));
      this.inFlight.add(attempt);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    const answerWithin = deadline(RECEIVER_TIMEOUT_MS);
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-signature-sha256': sign(this.sim, delivery.body),
          'x-delivery-id': delivery.deliveryId,
          ...(delivery.test ? { 'x-test-notification': 'true' } : {}),
        },
        body: delivery.body,
        signal: answerWithin.signal,
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (e) {
      error = (e as Error).name === 'TimeoutError' ? `no answer within ${RECEIVER_TIMEOUT_MS} ms` : (e as Error).message;
    } finally {
      answerWithin.clear();
    }
    delivery.attempts.push({ at: new Date(started).toISOString(), status, error, durationMs: Date.now() - started });
    if (status !== null && status >= 200 && status < 300) {
      delivery.status = 'delivered';
      delivery.nextAttemptAt = null;
      return;
    }
    if (delivery.attempts.length >= MAX_ATTEMPTS) {
      delivery.status = 'failed';
      delivery.nextAttemptAt = null;
      return;
    }
    const delay = Math.min(this.sim.options.webhookRetryBaseMs * 2 ** (delivery.attempts.length - 1), 6 * 3600_000);
    delivery.nextAttemptAt = Date.now() + delay;
    this.schedule(delivery, delay);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }
}

function subscriptionJson(sub: SimSubscription) {
  return {
    id: sub.id,
    name: sub.name,
    delivery: sub.delivery,
    trigger_on: sub.triggerOn,
    scope: sub.scope,
    created_by: sub.createdBy,
    created_at: sub.createdAt,
  };
}

function parseSubscriptionBody(req: Request, res: Response, scope: 'application' | 'profile') {
  const body = (req.body ?? {}) as { name?: unknown; trigger_on?: unknown; delivery?: { version?: unknown; url?: unknown } };
  const errors = [];
  if (typeof body.name !== 'string' || !body.name) errors.push({ code: 'NotNull', message: 'name must not be null', path: 'name', arguments: ['name'] });
  if (typeof body.trigger_on !== 'string' || !KNOWN_EVENTS.has(body.trigger_on)) {
    errors.push({ code: 'NOT_VALID', message: 'trigger_on is not a known event type', path: 'trigger_on', arguments: ['trigger_on', String(body.trigger_on)] });
  } else if (scope === 'profile' && APPLICATION_ONLY.has(body.trigger_on)) {
    errors.push({ code: 'NOT_VALID', message: `${body.trigger_on} is available to application subscriptions only`, path: 'trigger_on', arguments: ['trigger_on', body.trigger_on] });
  }
  if (typeof body.delivery?.version !== 'string' || !/^\d+\.\d+\.\d+$/.test(body.delivery.version)) {
    errors.push({ code: 'NOT_VALID', message: 'delivery.version must be a semantic version', path: 'delivery.version', arguments: ['delivery.version'] });
  }
  let url: URL | undefined;
  try {
    url = new URL(String(body.delivery?.url));
  } catch {
    /* reported below */
  }
  // Wise requires HTTPS on 443 with a real domain; the simulator also allows http on loopback
  // so a gateway on a developer machine can receive its webhooks.
  const loopback = url && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (!url || url.search || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
    errors.push({ code: 'NOT_VALID', message: 'delivery.url must be an HTTPS URL without a query string', path: 'delivery.url', arguments: ['delivery.url'] });
  }
  if (errors.length) {
    validationError(res, 400, errors);
    return undefined;
  }
  return { name: body.name as string, triggerOn: body.trigger_on as string, delivery: { version: body.delivery!.version as string, url: url!.toString() } };
}

export function webhookRoutes(sim: SimulatorCore, dispatcher: WebhookDispatcher, router: Router): void {
  const json = express.json();

  const appScope = (req: Request, res: Response) => {
    if (!requireClient(res)) return false;
    if (req.params.clientKey !== sim.options.clientKey) {
      forbidden(res);
      return false;
    }
    return true;
  };

  router.post('/v3/applications/:clientKey/subscriptions', json, (req, res) => {
    if (!appScope(req, res)) return;
    const parsed = parseSubscriptionBody(req, res, 'application');
    if (!parsed) return;
    const sub: SimSubscription = {
      id: randomUUID(),
      ...parsed,
      scope: { domain: 'application', id: sim.options.clientKey },
      createdBy: { type: 'application', id: sim.options.clientId },
      createdAt: isoSeconds(sim.clock.now()),
    };
    sim.state.subscriptions[sub.id] = sub;
    sim.changed();
    res.json(subscriptionJson(sub));
  });

  router.get('/v3/applications/:clientKey/subscriptions', (req, res) => {
    if (!appScope(req, res)) return;
    res.json(Object.values(sim.state.subscriptions).filter((s) => s.scope.domain === 'application').map(subscriptionJson));
  });

  const appSubscription = (req: Request, res: Response) => {
    if (!appScope(req, res)) return undefined;
    const sub = sim.state.subscriptions[String(req.params.subscriptionId)];
    if (!sub || sub.scope.domain !== 'application') {
      notFound(res, 'Subscription');
      return undefined;
    }
    return sub;
  };

  router.get('/v3/applications/:clientKey/subscriptions/:subscriptionId', (req, res) => {
    const sub = appSubscription(req, res);
    if (sub) res.json(subscriptionJson(sub));
  });

  router.delete('/v3/applications/:clientKey/subscriptions/:subscriptionId', (req, res) => {
    const sub = appSubscription(req, res);
    if (!sub) return;
    delete sim.state.subscriptions[sub.id];
    sim.changed();
    res.status(204).end();
  });

  router.post('/v3/applications/:clientKey/subscriptions/:subscriptionId/test-notifications', (req, res) => {
    const sub = appSubscription(req, res);
    if (!sub) return;
    const delivery = dispatcher.enqueue(sub, sub.triggerOn, testData(sub.triggerOn, sim), true);
    res.json([{ delivery_id: delivery.deliveryId, created_at: isoSeconds(sim.clock.now()) }]);
  });

  const ownProfile = (req: Request, res: Response) => {
    const user = requireUser(res);
    return user ? owned(res, sim.state.profiles[Number(req.params.profileId)], user.id, 'Profile') : undefined;
  };

  router.post('/v3/profiles/:profileId/subscriptions', json, (req, res) => {
    const profile = ownProfile(req, res);
    if (!profile) return;
    const parsed = parseSubscriptionBody(req, res, 'profile');
    if (!parsed) return;
    const sub: SimSubscription = {
      id: randomUUID(),
      ...parsed,
      scope: { domain: 'profile', id: String(profile.id) },
      createdBy: { type: 'user', id: String(authOf(res).user!.id) },
      createdAt: isoSeconds(sim.clock.now()),
    };
    sim.state.subscriptions[sub.id] = sub;
    sim.changed();
    res.json(subscriptionJson(sub));
  });

  router.get('/v3/profiles/:profileId/subscriptions', (req, res) => {
    const profile = ownProfile(req, res);
    if (!profile) return;
    res.json(Object.values(sim.state.subscriptions).filter((s) => s.scope.domain === 'profile' && s.scope.id === String(profile.id)).map(subscriptionJson));
  });

  const profileSubscription = (req: Request, res: Response) => {
    const profile = ownProfile(req, res);
    if (!profile) return undefined;
    const sub = sim.state.subscriptions[String(req.params.subscriptionId)];
    if (!sub || sub.scope.domain !== 'profile' || sub.scope.id !== String(profile.id)) {
      notFound(res, 'Subscription');
      return undefined;
    }
    return sub;
  };

  router.get('/v3/profiles/:profileId/subscriptions/:subscriptionId', (req, res) => {
    const sub = profileSubscription(req, res);
    if (sub) res.json(subscriptionJson(sub));
  });

  router.delete('/v3/profiles/:profileId/subscriptions/:subscriptionId', (req, res) => {
    const sub = profileSubscription(req, res);
    if (!sub) return;
    delete sim.state.subscriptions[sub.id];
    sim.changed();
    res.status(204).end();
  });
}

/** Test notifications: the right structure with dummy data (ids 0), as Wise sends them. */
function testData(eventType: string, sim: SimulatorCore): Record<string, unknown> {
  const occurred_at = isoSeconds(sim.clock.now());
  switch (eventType) {
    case 'transfers#state-change':
      return {
        resource: { type: 'transfer', id: 0, profile_id: 0, account_id: 0 },
        current_state: 'processing',
        previous_state: 'incoming_payment_waiting',
        occurred_at,
      };
    case 'profiles#verification-state-change':
      return { resource: { type: 'profile', id: 0 }, current_state: 'verified', occurred_at };
    default:
      return { resource: { id: 0 }, occurred_at };
  }
}
