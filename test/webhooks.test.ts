/**
 * Signed webhooks, the inbox, the job that applies them, and live subscriptions — with a real
 * graphql-ws client, the simulator delivering over HTTP, and a second gateway process.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { sign } from '../src/simulator/webhooks.js';
import { sql } from './support/database.js';
import { globalId, localId } from './support/ids.js';
import { startReplica } from './support/replicas.js';
import { startTestGateway, TEST_JWT_SECRET, type TestGateway } from './support/gateway.js';
import { subscribe, type Subscriber } from './support/subscriptions.js';
import { BOB_AT_WISE, CREATE_WISE_ACCOUNT, linkThroughWise, simulatorOf } from './support/wise.js';

const VERIFICATION_CHANGED = 'subscription { verificationChanged { profileId canTransfer routes { currency status } } }';
const STATUS_CHANGED = 'subscription { onboardingStatusChanged { state nextAction } }';

let gateway: TestGateway;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function start(env: Record<string, string> = {}, databaseUrl?: string) {
  const g = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc', ...env }, { databaseUrl });
  cleanups.push(() => g.stop());
  return g;
}

async function aliceWithProfile(g: TestGateway): Promise<number> {
  const { body } = await g.graphql(CREATE_WISE_ACCOUNT, { customerId: 'cust-alice' });
  return Number(body.data.createWiseAccount.profile.wiseProfileId);
}

async function subscriber(g: TestGateway | { url: string }, customerId: string, query: string): Promise<Subscriber> {
  const s = await subscribe(g.url, await import('../src/http/auth.js').then((m) => m.mintCustomerToken(TEST_JWT_SECRET, customerId)), query);
  cleanups.push(() => s.close());
  return s;
}

/** A delivery as Wise would send it, signed with the simulator's key. */
function delivery(g: TestGateway, event: { event_type: string; data: unknown }, options: { deliveryId?: string; body?: string; signature?: string | null; test?: boolean } = {}) {
  const body = options.body ?? JSON.stringify({ ...event, subscription_id: randomUUID(), schema_version: '2.0.0', sent_at: new Date().toISOString() });
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-delivery-id': options.deliveryId ?? randomUUID() };
  const signature = options.signature === undefined ? sign(g.simulator!.core, body) : options.signature;
  if (signature !== null) headers['x-signature-sha256'] = signature;
  if (options.test) headers['x-test-notification'] = 'true';
  return fetch(`${g.url}/webhooks/wise`, { method: 'POST', headers, body });
}

const verificationEvent = (profileId: number, state: 'verified' | 'not_verified', occurredAt: string) => ({
  event_type: 'profiles#verification-state-change',
  data: { resource: { type: 'profile', id: profileId }, current_state: state, occurred_at: occurredAt },
});

/** The event log and the inbox as rows, for a failure's message. */
async function whatWasLogged(g: TestGateway): Promise<string> {
  const events = await sql(g.databaseUrl, 'select sequence, payload, recorded_at from customer_event order by customer_id, sequence');
  const deliveries = await sql(g.databaseUrl, 'select delivery_id, event_type, status, note, occurred_at, received_at, body from webhook_inbox order by received_at');
  return JSON.stringify({ events, deliveries }, null, 1);
}

const inbox = (g: TestGateway) => sql<{ delivery_id: string; status: string; note: string | null }>(g.databaseUrl, 'select delivery_id, status, note from webhook_inbox order by received_at');

describe('verification pushed live', () => {
  it('a graphql-ws subscriber receives verificationChanged when the simulator verifies the profile', async () => {
    gateway = await start();
    const profileId = await aliceWithProfile(gateway);
    const alice = await subscriber(gateway, 'cust-alice', VERIFICATION_CHANGED);
    const status = await subscriber(gateway, 'cust-alice', STATUS_CHANGED);
    await simulatorOf(gateway).control(`/profiles/${profileId}/verification`, { verified: true });
    expect(await alice.next()).toEqual({ verificationChanged: { profileId: globalId('WiseProfile', profileId), canTransfer: true, routes: [{ currency: 'GBP', status: 'VERIFIED' }, { currency: 'EUR', status: 'VERIFIED' }, { currency: 'USD', status: 'VERIFIED' }] } });
    expect(await status.next()).toEqual({ onboardingStatusChanged: { state: 'READY', nextAction: 'NONE' } });
  });

  it('reaches a subscriber on a second gateway process when the webhook is delivered to the first', async () => {
    gateway = await start();
    const profileId = await aliceWithProfile(gateway);
    const second = await startSecondProcess(gateway);
    const alice = await subscriber(second, 'cust-alice', VERIFICATION_CHANGED);
    await simulatorOf(gateway).control(`/profiles/${profileId}/verification`, { verified: true });
    const pushed = (await alice.next(10_000)).verificationChanged;
    // Should it fail, the message shows the customer's event log and the inbox: what was pushed and why.
    expect(pushed, await whatWasLogged(gateway)).toMatchObject({ profileId: globalId('WiseProfile', profileId), canTransfer: true });
    // The simulator delivered to the first process only.
    const deliveries = await simulatorOf(gateway).control('/webhooks/deliveries?eventType=profiles%23verification-state-change', undefined, 'GET');
    expect(deliveries.every((d: { url: string }) => d.url === `${gateway.publicUrl}/webhooks/wise`)).toBe(true);
  }, 300_000);

  it("never sends customer A an event about customer B's profile", async () => {
    gateway = await start();
    const aliceProfile = await aliceWithProfile(gateway);
    const { result } = await linkThroughWise(gateway, 'cust-bob', BOB_AT_WISE);
    const bobProfile = Number(localId(result.onboardingStatus.profileId));
    const alice = await subscriber(gateway, 'cust-alice', VERIFICATION_CHANGED);
    const aliceStatus = await subscriber(gateway, 'cust-alice', STATUS_CHANGED);
    const bob = await subscriber(gateway, 'cust-bob', VERIFICATION_CHANGED);

    await simulatorOf(gateway).control(`/profiles/${bobProfile}/verification`, { verified: false });
    expect((await bob.next()).verificationChanged.profileId).toBe(globalId('WiseProfile', bobProfile));
    await simulatorOf(gateway).control(`/profiles/${aliceProfile}/verification`, { verified: true });
    expect((await alice.next()).verificationChanged.profileId).toBe(globalId('WiseProfile', aliceProfile));
    expect(alice.received.map((m) => m.verificationChanged.profileId)).toEqual([globalId('WiseProfile', aliceProfile)]);
    await aliceStatus.next();
    expect(aliceStatus.received).toHaveLength(1);
    expect(bob.received).toHaveLength(1);
  });
});

describe('POST /webhooks/wise', () => {
  it('refuses unsigned (400), forged (401) and altered (401) deliveries and stores nothing from them', async () => {
    gateway = await start();
    const profileId = await aliceWithProfile(gateway);
    const body = JSON.stringify({ ...verificationEvent(profileId, 'verified', new Date().toISOString()), subscription_id: randomUUID(), schema_version: '2.0.0', sent_at: new Date().toISOString() });
    const before = (await inbox(gateway)).length;

    const unsigned = await delivery(gateway, verificationEvent(profileId, 'verified', ''), { body, signature: null });
    expect(unsigned.status).toBe(400);
    const forged = await delivery(gateway, verificationEvent(profileId, 'verified', ''), { body, signature: Buffer.alloc(256, 7).toString('base64') });
    expect(forged.status).toBe(401);
    const altered = await delivery(gateway, verificationEvent(profileId, 'verified', ''), { body: body.replace('"verified"', '"not_verified"'), signature: sign(gateway.simulator!.core, body) });
    expect(altered.status).toBe(401);

    expect(await inbox(gateway)).toHaveLength(before);
    expect((await gateway.graphql(`{ verification(profileId: "${globalId('WiseProfile', profileId)}") { canTransfer } }`, { customerId: 'cust-alice' })).body.data.verification.canTransfer).toBe(false);
  });

  it('refuses signed malformed JSON (400) and stores nothing', async () => {
    gateway = await start();
    const before = (await inbox(gateway)).length;
    const response = await delivery(gateway, { event_type: '', data: {} }, { body: '{"event_type": "profiles#verif' });
    expect(response.status).toBe(400);
    expect(await inbox(gateway)).toHaveLength(before);
  });

  it('acknowledges a duplicate delivery and applies it once', async () => {
    gateway = await start();
    const profileId = await aliceWithProfile(gateway);
    const alice = await subscriber(gateway, 'cust-alice', VERIFICATION_CHANGED);
    const deliveryId = randomUUID();
    const event = verificationEvent(profileId, 'verified', new Date().toISOString());
    const body = JSON.stringify({ ...event, subscription_id: randomUUID(), schema_version: '2.0.0', sent_at: new Date().toISOString() });
    const first = await delivery(gateway, event, { deliveryId, body });
    const second = await delivery(gateway, event, { deliveryId, body });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await second.json()).toEqual({ result: 'duplicate' });
    await alice.next();
    await expect.poll(async () => (await inbox(gateway)).filter((r) => r.delivery_id === deliveryId).map((r) => r.status)).toEqual(['applied']);
    await new Promise((r) => setTimeout(r, 300));
    expect(alice.received).toHaveLength(1);
  });

  it('applies by occurred_at: an older event arriving later never overwrites the newer state', async () => {
    gateway = await start();
    const profileId = await aliceWithProfile(gateway);
    const newer = new Date().toISOString();
    const older = new Date(Date.now() - 60_000).toISOString();
    const first = randomUUID();
    const late = randomUUID();
    await delivery(gateway, verificationEvent(profileId, 'verified', newer), { deliveryId: first });
    await expect.poll(async () => (await inbox(gateway)).find((r) => r.delivery_id === first)?.status).toBe('applied');
    await delivery(gateway, verificationEvent(profileId, 'not_verified', older), { deliveryId: late });
    await expect.poll(async () => (await inbox(gateway)).find((r) => r.delivery_id === late)?.status).toBe('stale');
    const view = (await gateway.graphql(`{ verification(profileId: "${globalId('WiseProfile', profileId)}") { canTransfer routes { status } } }`, { customerId: 'cust-alice' })).body.data.verification;
    expect(view.canTransfer).toBe(true);
  });

  it('acknowledges an unknown event type and a test notification without applying them', async () => {
    gateway = await start();
    const unknown = randomUUID();
    const response = await delivery(gateway, { event_type: 'cards#card-status-change', data: { occurred_at: new Date().toISOString() } }, { deliveryId: unknown });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ result: 'ignored' });
    // A test notification names profile 0: stored like any signed event (the header is not
    // signed, so it decides nothing), it changes nothing here.
    const testId = randomUUID();
    const test = await delivery(gateway, verificationEvent(0, 'verified', new Date().toISOString()), { test: true, deliveryId: testId });
    expect(await test.json()).toEqual({ result: 'accepted' });
    await expect.poll(async () => (await inbox(gateway)).find((r) => r.delivery_id === testId)).toMatchObject({ status: 'ignored', note: 'profile not linked here' });
    const rows = await inbox(gateway);
    expect(rows.find((r) => r.delivery_id === unknown)).toMatchObject({ status: 'ignored', note: 'event type not applied by this gateway' });
    const [{ count }] = await sql<{ count: string }>(gateway.databaseUrl, "select count(*) from graphile_worker.jobs");
    expect(count).toBe('0');
  });

  it('records a signed transfer event that names no transfer as ignored, with no job left retrying it', async () => {
    gateway = await start();
    const deliveryId = randomUUID();
    const response = await delivery(
      gateway,
      { event_type: 'transfers#state-change', data: { resource: { type: 'transfer' }, current_state: 'processing', occurred_at: new Date().toISOString() } },
      { deliveryId },
    );
    expect(response.status).toBe(200);
    await expect.poll(async () => (await inbox(gateway)).find((r) => r.delivery_id === deliveryId)).toMatchObject({ status: 'ignored', note: 'the event names no transfer' });
    expect(await sql(gateway.databaseUrl, "select key from graphile_worker.jobs where task_identifier = 'apply_webhook'")).toEqual([]);
  });

  it("applies the simulator's signed deliveries over real HTTP, including its test notification", async () => {
    gateway = await start();
    const wise = simulatorOf(gateway);
    const subscriptions = await wise.control('/webhooks/deliveries', undefined, 'GET');
    expect(Array.isArray(subscriptions)).toBe(true);
    const cc = await gateway.tokens.clientAccessToken();
    const list = await (await fetch(`${gateway.simulator!.url}/v3/applications/${gateway.wise.clientKey}/subscriptions`, { headers: { authorization: `Bearer ${cc}` } })).json();
    const id = list.find((s: { trigger_on: string }) => s.trigger_on === 'transfers#state-change').id;
    await fetch(`${gateway.simulator!.url}/v3/applications/${gateway.wise.clientKey}/subscriptions/${id}/test-notifications`, { method: 'POST', headers: { authorization: `Bearer ${cc}` } });
    await expect.poll(async () => (await inbox(gateway)).map((r) => r.note)).toContain('transfer not created through this gateway');
  });
});

describe('the inbox survives a crash', () => {
  it('stopping after the inbox write and before the apply, then starting again, applies the event exactly once', async () => {
    // The first gateway stores deliveries but runs no jobs: it "dies" right after answering.
    const first = await start({ JOBS_ENABLED: 'false' });
    const profileId = await aliceWithProfile(first);
    const deliveryId = randomUUID();
    const response = await delivery(first, verificationEvent(profileId, 'verified', new Date().toISOString()), { deliveryId });
    expect(response.status).toBe(200);
    expect((await inbox(first)).find((r) => r.delivery_id === deliveryId)?.status).toBe('pending');
    await first.stop();
    cleanups.pop();

    const restarted = await start({}, first.databaseUrl);
    await expect.poll(async () => (await inbox(restarted)).find((r) => r.delivery_id === deliveryId)?.status, { timeout: 10_000 }).toBe('applied');
    const [{ verification_event_at }] = await sql<{ verification_event_at: Date | null }>(restarted.databaseUrl, 'select verification_event_at from wise_profile where id = $1', [profileId]);
    expect(verification_event_at).not.toBeNull();
    // Running the job again (a retry after a crash mid-apply) changes nothing.
    await restarted.webhooks.apply(deliveryId);
    const rows = (await inbox(restarted)).filter((r) => r.delivery_id === deliveryId);
    expect(rows).toEqual([{ delivery_id: deliveryId, status: 'applied', note: null }]);
    const [{ count }] = await sql<{ count: string }>(restarted.databaseUrl, "select count(*) from graphile_worker.jobs where task_identifier = 'apply_webhook'");
    expect(count).toBe('0');
  }, 60_000);
});

describe('who applies a delivery', () => {
  const applyJobs = (g: TestGateway) => sql<{ key: string | null }>(g.databaseUrl, "select key from graphile_worker.jobs where task_identifier = 'apply_webhook'");
  const statusOf = async (g: TestGateway, deliveryId: string) => (await inbox(g)).find((r) => r.delivery_id === deliveryId)?.status;

  it('the receiving process applies it right after answering, with no job queued in between', async () => {
    gateway = await start();
    const profileId = await aliceWithProfile(gateway);
    const deliveryId = randomUUID();
    await delivery(gateway, verificationEvent(profileId, 'verified', new Date().toISOString()), { deliveryId });
    await expect.poll(() => statusOf(gateway, deliveryId)).toBe('applied');
    expect(await applyJobs(gateway)).toEqual([]);
  });

  it('when applying in the receiving process fails, a job takes the delivery over and applies it once', async () => {
    gateway = await start();
    const profileId = await aliceWithProfile(gateway);
    const apply = gateway.webhooks.apply.bind(gateway.webhooks);
    const calls: string[] = [];
    // The first attempt fails, as if the database connection dropped mid-way.
    gateway.webhooks.apply = async (id) => {
      calls.push(id);
      if (calls.length === 1) throw new Error('connection terminated');
      return apply(id);
    };
    const deliveryId = randomUUID();
    await delivery(gateway, verificationEvent(profileId, 'verified', new Date().toISOString()), { deliveryId });
    await expect.poll(() => statusOf(gateway, deliveryId), { timeout: 10_000 }).toBe('applied');
    expect(calls).toEqual([deliveryId, deliveryId]);
    const view = (await gateway.graphql(`{ verification(profileId: "${globalId('WiseProfile', profileId)}") { canTransfer } }`, { customerId: 'cust-alice' })).body.data.verification;
    expect(view.canTransfer).toBe(true);
    await expect.poll(() => applyJobs(gateway)).toEqual([]);
  });

  it('on stop, deliveries still waiting for the receiving process become jobs, and none is lost: the newest is applied, an older one applied or stale', async () => {
    gateway = await start({ JOBS_CONCURRENCY: '1' });
    const profileId = await aliceWithProfile(gateway);
    const apply = gateway.webhooks.apply.bind(gateway.webhooks);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    gateway.webhooks.apply = async (id) => {
      await held;
      return apply(id);
    };
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const base = Date.now();
    for (const [i, deliveryId] of ids.entries()) {
      await delivery(gateway, verificationEvent(profileId, i % 2 ? 'not_verified' : 'verified', new Date(base + i * 1000).toISOString()), { deliveryId });
    }
    // One is being applied (held), two wait in line when the process is told to stop.
    const draining = gateway.webhooks.drain();
    try {
      await expect.poll(async () => (await applyJobs(gateway)).map((j) => j.key).sort()).toEqual(ids.slice(1).map((id) => `webhook:${id}`).sort());
    } finally {
      release();
    }
    await draining;
    // None is left waiting. Released together, the held one and the jobs may apply in either
    // order; one older than an event already applied is recorded stale, not applied over it.
    for (const deliveryId of ids) await expect.poll(() => statusOf(gateway, deliveryId), { timeout: 10_000 }).toMatch(/^(applied|stale)$/);
    expect(await statusOf(gateway, ids[2])).toBe('applied');
    // What the customer sees is the newest event's: verified.
    const view = (await gateway.graphql(`{ verification(profileId: "${globalId('WiseProfile', profileId)}") { canTransfer } }`, { customerId: 'cust-alice' })).body.data.verification;
    expect(view.canTransfer).toBe(true);
  });

  it('the sweep of orphans hands one it cannot apply yet to a job, and goes on with the rest', async () => {
    gateway = await start();
    const profileId = await aliceWithProfile(gateway);
    const apply = gateway.webhooks.apply.bind(gateway.webhooks);
    gateway.webhooks.apply = async () => {}; // the receiver "dies" after answering
    const [stuck, fine] = [randomUUID(), randomUUID()];
    await delivery(gateway, verificationEvent(profileId, 'not_verified', new Date(Date.now() - 5000).toISOString()), { deliveryId: stuck });
    await delivery(gateway, verificationEvent(profileId, 'verified', new Date().toISOString()), { deliveryId: fine });
    await sql(gateway.databaseUrl, "update webhook_inbox set received_at = now() - interval '1 minute' where delivery_id = any($1)", [[stuck, fine]]);
    gateway.webhooks.apply = async (id) => {
      if (id === stuck) throw new Error('transfer not stored yet; retrying');
      return apply(id);
    };
    expect(await gateway.webhooks.applyOrphans()).toBe(1);
    expect(await statusOf(gateway, fine)).toBe('applied');
    expect(await statusOf(gateway, stuck)).toBe('pending');
    expect((await applyJobs(gateway)).map((j) => j.key)).toEqual([`webhook:${stuck}`]);
    // From now on it is the job's, with its retries: the next sweep leaves it alone.
    expect(await gateway.webhooks.applyOrphans()).toBe(0);
  });

  it('a delivery left pending by a receiver that died is applied by the next gateway to start', async () => {
    const first = await start();
    const profileId = await aliceWithProfile(first);
    // This receiver answers Wise and then "dies" before applying: nothing runs after the answer.
    first.webhooks.apply = async () => {};
    const deliveryId = randomUUID();
    expect((await delivery(first, verificationEvent(profileId, 'verified', new Date().toISOString()), { deliveryId })).status).toBe(200);
    expect(await statusOf(first, deliveryId)).toBe('pending');
    expect(await applyJobs(first)).toEqual([]);
    await first.stop();
    cleanups.pop();
    // Older than any receiver needs: an orphan.
    await sql(first.databaseUrl, "update webhook_inbox set received_at = now() - interval '1 minute' where delivery_id = $1", [deliveryId]);

    const next = await start({}, first.databaseUrl);
    await expect.poll(() => statusOf(next, deliveryId), { timeout: 10_000 }).toBe('applied');
    const view = (await next.graphql(`{ verification(profileId: "${globalId('WiseProfile', profileId)}") { canTransfer } }`, { customerId: 'cust-alice' })).body.data.verification;
    expect(view.canTransfer).toBe(true);
  }, 60_000);
});

describe('webhook subscriptions at Wise', () => {
  it('are ensured at start-up, once, and a second start creates no duplicates', async () => {
    gateway = await start();
    const cc = await gateway.tokens.clientAccessToken();
    const list = async () => (await (await fetch(`${gateway.simulator!.url}/v3/applications/${gateway.wise.clientKey}/subscriptions`, { headers: { authorization: `Bearer ${cc}` } })).json()) as { trigger_on: string; delivery: { url: string } }[];
    const mine = (await list()).filter((s) => s.delivery.url === `${gateway.publicUrl}/webhooks/wise`);
    expect(mine.map((s) => s.trigger_on).sort()).toEqual(['profiles#verification-state-change', 'transfers#state-change']);
    const { ensureWebhookSubscriptions } = await import('../src/services/webhooks.js');
    const again = await ensureWebhookSubscriptions({ http: gateway.wiseHttp, clientToken: () => gateway.tokens.clientAccessToken(), clientKey: gateway.wise.clientKey, url: `${gateway.publicUrl}/webhooks/wise`, logger: (await import('../src/logger.js')).createLogger('silent') });
    expect(again).toEqual({ created: [], existing: ['profiles#verification-state-change', 'transfers#state-change'] });
    expect(await list()).toHaveLength(2);
  });
});

describe('verification(profileId)', () => {
  it('is served from the cache, refreshed on request, and only for the customer\'s own profiles', async () => {
    gateway = await start();
    const profileId = await aliceWithProfile(gateway);
    const query = `query V($id: ID!, $refresh: Boolean) { verification(profileId: $id, refresh: $refresh) { canTransfer routes { currency status maximumEntitledAmount } } }`;
    const wise = simulatorOf(gateway);
    await wise.clearCalls();
    const cached = await gateway.graphql(query, { customerId: 'cust-alice', variables: { id: globalId('WiseProfile', profileId) } });
    expect(cached.body.data.verification.routes[0]).toEqual({ currency: 'GBP', status: 'NOT_VERIFIED', maximumEntitledAmount: '0' });
    expect(await wise.calls('/v3/profiles')).toHaveLength(0);
    await wise.control(`/profiles/${profileId}/verification`, { maximumEntitledAmount: 500 });
    const refreshed = await gateway.graphql(query, { customerId: 'cust-alice', variables: { id: globalId('WiseProfile', profileId), refresh: true } });
    expect(refreshed.body.data.verification).toMatchObject({ canTransfer: true, routes: expect.arrayContaining([{ currency: 'GBP', status: 'NOT_VERIFIED', maximumEntitledAmount: '500' }]) });
    expect(await wise.calls('/v3/profiles')).toHaveLength(1);
    const foreign = await gateway.graphql(query, { customerId: 'cust-bob', variables: { id: globalId('WiseProfile', profileId) } });
    // Another customer's profile reads as one that does not exist.
    expect(foreign.body.errors).toBeUndefined();
    expect(foreign.body.data.verification).toBeNull();
  });
});

/** The gateway as a second OS process on the same database, talking to the same Wise (which delivers webhooks to the first only). */
async function startSecondProcess(first: TestGateway): Promise<{ url: string }> {
  const replica = await startReplica({
    sim: first.simulator!,
    databaseUrl: first.databaseUrl,
    clientId: first.wise.clientId,
    clientSecret: first.wise.clientSecret,
    env: { WEBHOOK_SUBSCRIPTIONS_ENSURE: 'false' },
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (replica.child.exitCode !== null) return resolve();
        replica.child.once('exit', () => resolve());
        replica.child.kill('SIGTERM');
      }),
  );
  return { url: replica.url };
}
