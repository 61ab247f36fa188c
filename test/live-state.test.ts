/**
 * Live state that is exactly right: every transfer state pushed once and in Wise's order
 * however the webhooks arrive, history in that order, subscriptions that resume from the last
 * sequence a client saw, a verification gate that closes when Wise says so, webhook identity
 * from the signed body only — against the real gateway, the simulator over HTTP and real
 * graphql-ws clients.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sign } from '../src/simulator/webhooks.js';
import { parseWiseTime } from '../src/services/transfer-states.js';
import { sql } from './support/database.js';
import { globalId, localId } from './support/ids.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { client, readyCustomer, TRANSFER, type Json } from './support/journey.js';
import { aTransfer as aTransferAt, anotherTransfer, deliverState, secondsFromNow } from './support/live.js';
import { subscribe, type Subscriber } from './support/subscriptions.js';

let gateway: TestGateway;
let gql: (query: string, variables?: Record<string, unknown>) => Promise<Json>;
const closers: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  gateway = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc' });
  gql = client(gateway, 'cust-alice');
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  await gateway?.stop();
});

const LIVE = 'subscription Live($after: String) { transferStatusChanged(after: $after) { sequence transferId status occurredAt } }';

async function live(after?: string): Promise<Subscriber> {
  const s = await subscribe(gateway.url, await gateway.token('cust-alice'), LIVE, after === undefined ? {} : { after });
  closers.push(() => s.close());
  return s;
}

const aTransfer = () => aTransferAt(gateway);
const deliver = (wiseTransferId: string, state: string, previous: string, occurredAt: Date) => deliverState(gateway, wiseTransferId, state, previous, occurredAt);
const at = secondsFromNow;
const statusesOf = async (id: string) => (await gql(TRANSFER, { id })).data.transfer;

async function received(s: Subscriber, count: number): Promise<Json[]> {
  const out: Json[] = [];
  for (let i = 0; i < count; i++) out.push((await s.next(10_000)).transferStatusChanged);
  return out;
}

describe('transfer states that arrive out of order', () => {
  it('pushes a payout and its bounce dated to the same second once each, payout first, whichever arrives first', async () => {
    const transfer = await aTransfer();
    const s = await live();
    const t = at(5);
    // Wise: processing → funds_converted → outgoing_payment_sent → bounced_back, the last three in one second, delivered backwards.
    await deliver(transfer.wiseTransferId, 'processing', 'incoming_payment_waiting', at(4));
    await deliver(transfer.wiseTransferId, 'bounced_back', 'outgoing_payment_sent', t);
    await deliver(transfer.wiseTransferId, 'outgoing_payment_sent', 'funds_converted', t);
    await deliver(transfer.wiseTransferId, 'funds_converted', 'processing', t);
    const pushed = await received(s, 4);
    expect(pushed.map((p) => p.status)).toEqual(['PROCESSING', 'FUNDS_CONVERTED', 'OUTGOING_PAYMENT_SENT', 'BOUNCED_BACK']);
    expect(pushed.every((p) => p.transferId === transfer.id)).toBe(true);
    const sequences = pushed.map((p) => Number(p.sequence));
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    const read = await statusesOf(transfer.id);
    expect(read.status).toBe('BOUNCED_BACK');
    expect(read.history.map((h: Json) => h.status)).toEqual(['INCOMING_PAYMENT_WAITING', 'PROCESSING', 'FUNDS_CONVERTED', 'OUTGOING_PAYMENT_SENT', 'BOUNCED_BACK']);
    // Nothing more: no state twice.
    await expect(s.next(1500)).rejects.toThrow(/no message/);
  });

  it('ends in processing when processing → waiting for the recipient → processing arrives 1, 3, 2', async () => {
    const transfer = await aTransfer();
    const s = await live();
    await deliver(transfer.wiseTransferId, 'processing', 'incoming_payment_waiting', at(2));
    await deliver(transfer.wiseTransferId, 'processing', 'waiting_recipient_input_to_proceed', at(6));
    await deliver(transfer.wiseTransferId, 'waiting_recipient_input_to_proceed', 'processing', at(4));
    expect((await received(s, 3)).map((p) => p.status)).toEqual(['PROCESSING', 'WAITING_RECIPIENT_INPUT_TO_PROCEED', 'PROCESSING']);
    const read = await statusesOf(transfer.id);
    expect(read.status).toBe('PROCESSING');
    expect(read.history.map((h: Json) => h.status)).toEqual(['INCOMING_PAYMENT_WAITING', 'PROCESSING', 'WAITING_RECIPIENT_INPUT_TO_PROCEED', 'PROCESSING']);
  });

  it('ends sent when a payout → bounce → re-sent payout arrives 1, 3, 2', async () => {
    const transfer = await aTransfer();
    await deliver(transfer.wiseTransferId, 'processing', 'incoming_payment_waiting', at(1));
    await deliver(transfer.wiseTransferId, 'funds_converted', 'processing', at(1));
    await deliver(transfer.wiseTransferId, 'outgoing_payment_sent', 'funds_converted', at(2));
    await deliver(transfer.wiseTransferId, 'outgoing_payment_sent', 'bounced_back', at(6));
    await deliver(transfer.wiseTransferId, 'bounced_back', 'outgoing_payment_sent', at(4));
    const read = await statusesOf(transfer.id);
    expect(read.status).toBe('OUTGOING_PAYMENT_SENT');
    expect(read.history.map((h: Json) => h.status).slice(-3)).toEqual(['OUTGOING_PAYMENT_SENT', 'BOUNCED_BACK', 'OUTGOING_PAYMENT_SENT']);
  });
});

describe('a state seen by a poll before its webhook', () => {
  it('is listed once in history, at the time Wise gives when the webhook comes', async () => {
    const transfer = await aTransfer();
    const createdAt = new Date((await statusesOf(transfer.id)).history[0].occurredAt);
    // Wise moved on without a webhook yet; the gateway polls and can only date it "now".
    await expect.poll(() => Date.now() - createdAt.getTime(), { timeout: 10_000 }).toBeGreaterThan(3000);
    gateway.simulator!.core.state.transfers[Number(transfer.wiseTransferId)].status = 'processing';
    const em = gateway.orm.em.fork();
    await gateway.services.transfers.refreshFromWise(em, await gateway.services.transfers.own(em, 'cust-alice', localId(transfer.id)));
    expect((await statusesOf(transfer.id)).status).toBe('PROCESSING');
    // Then Wise's webhook for that step, with the real time.
    const real = new Date(createdAt.getTime() + 1000);
    await deliver(transfer.wiseTransferId, 'processing', 'incoming_payment_waiting', real);
    const history = (await statusesOf(transfer.id)).history;
    expect(history.map((h: Json) => h.status)).toEqual(['INCOMING_PAYMENT_WAITING', 'PROCESSING']);
    expect(new Date(history[1].occurredAt).toISOString()).toBe(real.toISOString());
  });
});

describe('resuming a subscription', () => {
  it('gives a client that comes back with its last sequence exactly what it missed, then the live stream', async () => {
    const transfer = await aTransfer();
    const first = await live();
    await deliver(transfer.wiseTransferId, 'processing', 'incoming_payment_waiting', at(1));
    const [seen] = await received(first, 1);
    expect(seen.status).toBe('PROCESSING');
    await first.close();

    // Missed while away.
    await deliver(transfer.wiseTransferId, 'funds_converted', 'processing', at(2));
    await deliver(transfer.wiseTransferId, 'outgoing_payment_sent', 'funds_converted', at(3));
    const again = await live(seen.sequence);
    expect((await received(again, 2)).map((p) => p.status)).toEqual(['FUNDS_CONVERTED', 'OUTGOING_PAYMENT_SENT']);
    // Then live.
    await deliver(transfer.wiseTransferId, 'bounced_back', 'outgoing_payment_sent', at(4));
    const [next] = await received(again, 1);
    expect(next.status).toBe('BOUNCED_BACK');
    expect(Number(next.sequence)).toBeGreaterThan(Number(seen.sequence) + 2);
    await expect(again.next(1000)).rejects.toThrow(/no message/);
  });

  it('keeps events for the retention period, and tells a client resuming from before it to read afresh', async () => {
    const transfer = await aTransfer();
    await deliver(transfer.wiseTransferId, 'processing', 'incoming_payment_waiting', at(1));
    const [{ s: last }] = await sql(gateway.databaseUrl, 'select max(sequence)::text as s from customer_event');
    // Everything but the last event was logged 31 days ago (EVENT_LOG_RETENTION_DAYS is 30).
    await sql(gateway.databaseUrl, `update customer_event set recorded_at = now() - interval '31 days' where sequence < ${Number(last)}`);
    await sql(gateway.databaseUrl, "select graphile_worker.add_job('prune_event_log')");
    await expect.poll(async () => (await sql(gateway.databaseUrl, 'select sequence from customer_event')).map((r) => Number(r.sequence)), { timeout: 60_000 }).toEqual([Number(last)]);

    const tooOld = await live('1');
    await expect(tooOld.next(5000)).rejects.toThrow(/no longer kept/);
    // From a point the log still reaches back to: what came after, then live.
    const kept = await live(String(Number(last) - 1));
    expect((await received(kept, 1)).map((p) => p.status)).toEqual(['PROCESSING']);
    await deliver(transfer.wiseTransferId, 'funds_converted', 'processing', at(2));
    expect((await received(kept, 1)).map((p) => p.status)).toEqual(['FUNDS_CONVERTED']);
  });

  it('reads its arguments however the client writes them: after in the query text, transferId under a variable of another name', async () => {
    const transfer = await aTransfer();
    const other = await anotherTransfer(gateway);
    const first = await live();
    await deliver(transfer.wiseTransferId, 'processing', 'incoming_payment_waiting', at(1));
    const [seen] = await received(first, 1);
    await first.close();
    await deliver(transfer.wiseTransferId, 'funds_converted', 'processing', at(2));

    const token = await gateway.token('cust-alice');
    const inline = await subscribe(gateway.url, token, `subscription { transferStatusChanged(after: "${seen.sequence}") { status } }`, {});
    closers.push(() => inline.close());
    expect((await inline.next(10_000)).transferStatusChanged.status).toBe('FUNDS_CONVERTED');

    const one = await subscribe(gateway.url, token, 'subscription One($which: ID, $from: String) { transferStatusChanged(transferId: $which, after: $from) { transferId status } }', { which: other.id, from: seen.sequence });
    closers.push(() => one.close());
    await deliver(other.wiseTransferId, 'processing', 'incoming_payment_waiting', at(3));
    // Only the other transfer's event, though the first one's came after `from` too.
    expect((await one.next(10_000)).transferStatusChanged).toEqual({ transferId: other.id, status: 'PROCESSING' });
    await expect(one.next(1000)).rejects.toThrow(/no message/);
  });

  it('refuses an after that is not a sequence, as an error for that subscription', async () => {
    const s = await live('not-a-number');
    await expect(s.next(5000)).rejects.toThrow(/after must be a sequence/);
  });
});

describe('the verification gate', () => {
  const VERIFICATION = 'query V($id: ID!, $refresh: Boolean) { verification(profileId: $id, refresh: $refresh) { canTransfer routes { currency status maximumEntitledAmount } } }';
  const verificationEvent = async (profileId: number, state: 'verified' | 'not_verified', occurredAt: Date, headers: Record<string, string> = {}, deliveryId = randomUUID()) => {
    const body = JSON.stringify({
      data: { resource: { type: 'profile', id: profileId }, current_state: state, occurred_at: occurredAt.toISOString().replace(/\.\d+Z$/, 'Z') },
      subscription_id: randomUUID(),
      event_type: 'profiles#verification-state-change',
      schema_version: '2.0.0',
      sent_at: new Date().toISOString(),
    });
    return { body, post: (id = deliveryId, extra = headers) => fetch(`${gateway.url}/webhooks/wise`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-delivery-id': id, 'x-signature-sha256': sign(gateway.simulator!.core, body), ...extra }, body }) };
  };
  const settled = () => expect.poll(async () => (await sql(gateway.databaseUrl, "select 1 from webhook_inbox where status = 'pending'")).length).toBe(0);
  /** readyCustomer's own verification at the simulator, delivered and applied: nothing of it is pushed later. */
  const verifiedAtWiseApplied = async () => {
    await expect
      .poll(async () => {
        const deliveries = (await (await fetch(`${gateway.wise.apiUrl}/__simulator/webhooks/deliveries?eventType=profiles%23verification-state-change`)).json()) as { status: string }[];
        return deliveries.length > 0 && deliveries.every((d) => d.status === 'delivered');
      })
      .toBe(true);
    await settled();
  };

  it('closes at once when Wise says the profile is no longer verified', async () => {
    const profileId = await readyCustomer(gateway);
    // As Wise reports it when asked: verified, with the amount that allows.
    const before = (await gql(VERIFICATION, { id: globalId('WiseProfile', profileId), refresh: true })).data.verification;
    expect(before.canTransfer).toBe(true);
    expect(Number(before.routes[0].maximumEntitledAmount)).toBeGreaterThan(0);
    await (await verificationEvent(profileId, 'not_verified', at(1))).post();
    await settled();
    expect((await gql(VERIFICATION, { id: globalId('WiseProfile', profileId) })).data.verification.canTransfer).toBe(false);
  });

  it('pushes each change as it was committed, in order, even to a client resuming after both', async () => {
    const profileId = await readyCustomer(gateway);
    const [{ s: before }] = await sql(gateway.databaseUrl, 'select max(sequence)::text as s from customer_event');
    await (await verificationEvent(profileId, 'not_verified', at(1))).post();
    await settled();
    await (await verificationEvent(profileId, 'verified', at(2))).post();
    await settled();
    // Both are in the log by now: a push that read the profile when sent would say "verified" twice.
    const token = await gateway.token('cust-alice');
    const verification = await subscribe(gateway.url, token, 'subscription V($after: String) { verificationChanged(after: $after) { profileId canTransfer routes { status } } }', { after: before });
    const onboarding = await subscribe(gateway.url, token, 'subscription O($after: String) { onboardingStatusChanged(after: $after) { state nextAction } }', { after: before });
    closers.push(() => verification.close(), () => onboarding.close());
    const pushed = [(await verification.next(10_000)).verificationChanged, (await verification.next(10_000)).verificationChanged];
    expect(pushed.map((v: Json) => v.canTransfer)).toEqual([false, true]);
    expect(pushed.map((v: Json) => v.routes[0].status)).toEqual(['NOT_VERIFIED', 'VERIFIED']);
    const states = [(await onboarding.next(10_000)).onboardingStatusChanged, (await onboarding.next(10_000)).onboardingStatusChanged];
    expect(states.map((o: Json) => o.state)).toEqual(['PENDING_VERIFICATION', 'READY']);
    await expect(verification.next(1000)).rejects.toThrow(/no message/);
  });

  it('settles two events of the same second on what Wise reports', async () => {
    const profileId = await readyCustomer(gateway);
    // Wise's last word (the simulator's state): verified. Its two events carry the same second.
    const t = at(2);
    await (await verificationEvent(profileId, 'not_verified', t)).post();
    await settled();
    await (await verificationEvent(profileId, 'verified', t)).post();
    await settled();
    expect((await gql(VERIFICATION, { id: globalId('WiseProfile', profileId) })).data.verification.canTransfer).toBe(true);
  });

  it('pushes nothing when asking Wise again finds the verification as it was', async () => {
    const profileId = await readyCustomer(gateway);
    const id = globalId('WiseProfile', profileId);
    await gql(VERIFICATION, { id, refresh: true });
    await verifiedAtWiseApplied();
    const s = await subscribe(gateway.url, await gateway.token('cust-alice'), 'subscription { verificationChanged { canTransfer routes { status } } }');
    closers.push(() => s.close());
    // Each request reads the profile afresh from the database; Wise answers the same each time.
    for (let i = 0; i < 3; i++) expect((await gql(VERIFICATION, { id, refresh: true })).data.verification.canTransfer).toBe(true);
    // A real change comes next: it must be the first thing the subscriber hears.
    await (await verificationEvent(profileId, 'not_verified', at(1))).post();
    expect((await s.next(10_000)).verificationChanged.canTransfer).toBe(false);
    expect(s.received).toHaveLength(1);
  });

  it('opens the gate when Wise says verified for a profile whose routes were never read', async () => {
    const profileId = await readyCustomer(gateway);
    await verifiedAtWiseApplied();
    // As for a profile linked while Wise's check could not be reached: nothing cached yet.
    await sql(gateway.databaseUrl, 'update wise_profile set verification = null, verification_synced_at = null, verification_event_at = null where id = $1', [profileId]);
    const s = await subscribe(gateway.url, await gateway.token('cust-alice'), 'subscription { verificationChanged { canTransfer routes { currency status } } }');
    closers.push(() => s.close());
    await (await verificationEvent(profileId, 'verified', at(1))).post();
    const pushed = (await s.next(10_000)).verificationChanged;
    expect(pushed.canTransfer).toBe(true);
    expect(pushed.routes).toEqual([
      { currency: 'GBP', status: 'VERIFIED' },
      { currency: 'EUR', status: 'VERIFIED' },
      { currency: 'USD', status: 'VERIFIED' },
    ]);
  });
});

describe('an onboarding change and its event', () => {
  it('commit together: when the event cannot be logged, the change is not made either', async () => {
    await readyCustomer(gateway);
    await sql(
      gateway.databaseUrl,
      "create function refuse_event() returns trigger language plpgsql as $$ begin raise exception 'event log unavailable'; end $$; create trigger refuse_event before insert on customer_event for each row execute function refuse_event()",
    );
    const unlink = await gql('mutation { unlinkAccount { unlinked } }');
    expect(unlink.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    await sql(gateway.databaseUrl, 'drop trigger refuse_event on customer_event');
    // Still linked, as any subscriber (who heard nothing) believes.
    expect((await gql('{ onboardingStatus { state } }')).data.onboardingStatus.state).toBe('READY');
    expect((await gql('mutation { unlinkAccount { unlinked } }')).data.unlinkAccount.unlinked).toBe(true);
    expect((await gql('{ onboardingStatus { state } }')).data.onboardingStatus.state).toBe('NOT_LINKED');
  });
});

describe('webhook identity', () => {
  const transferEventBody = (wiseTransferId: string, occurredAt: Date) =>
    JSON.stringify({
      data: { resource: { type: 'transfer', id: Number(wiseTransferId), profile_id: 0, account_id: 0 }, current_state: 'processing', previous_state: 'incoming_payment_waiting', occurred_at: occurredAt.toISOString().replace(/\.\d+Z$/, 'Z') },
      subscription_id: randomUUID(),
      event_type: 'transfers#state-change',
      schema_version: '2.0.0',
      sent_at: new Date().toISOString(),
    });
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}/webhooks/wise`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-delivery-id': randomUUID(), 'x-signature-sha256': sign(gateway.simulator!.core, body), ...headers }, body });

  it('stores one signed event once, whatever X-Delivery-Id it is re-sent under', async () => {
    const transfer = await aTransfer();
    const body = transferEventBody(transfer.wiseTransferId, at(1));
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(body).then((r) => r.json())));
    expect(answers.filter((a) => a.result === 'accepted')).toHaveLength(1);
    expect(answers.filter((a) => a.result === 'duplicate')).toHaveLength(49);
    const [{ count }] = await sql<{ count: string }>(gateway.databaseUrl, `select count(*) from webhook_inbox where body -> 'data' -> 'resource' ->> 'id' = $1`, [transfer.wiseTransferId]);
    // The creation's own event, and this one.
    expect(Number(count)).toBe(2);
  });

  it('refuses an event older than Wise retries for, and stores nothing of it', async () => {
    const transfer = await aTransfer();
    const response = await post(transferEventBody(transfer.wiseTransferId, new Date(Date.now() - 30 * 24 * 3600_000)));
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/older than 15 days/);
    expect((await statusesOf(transfer.id)).status).toBe('INCOMING_PAYMENT_WAITING');
  });

  it('lets no X-Test-Notification header keep a signed event from being applied', async () => {
    const transfer = await aTransfer();
    const body = transferEventBody(transfer.wiseTransferId, at(1));
    // Someone replays the signed body first, labelled a test…
    expect((await post(body, { 'x-test-notification': 'true' })).status).toBe(200);
    // …and Wise's genuine delivery follows.
    expect((await (await post(body)).json()).result).toBe('duplicate');
    await expect.poll(async () => (await statusesOf(transfer.id)).status).toBe('PROCESSING');
  });
});

describe('errors are not absences', () => {
  it('answers transfer(id) with an error, not null, when the database fails', async () => {
    const transfer = await aTransfer();
    const own = gateway.services.transfers.own.bind(gateway.services.transfers);
    gateway.services.transfers.own = async () => {
      throw new Error('Connection terminated unexpectedly');
    };
    closers.push(async () => (gateway.services.transfers.own = own));
    const body = await gql(TRANSFER, { id: transfer.id });
    expect(body.data?.transfer ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  });

  it('refuses a Wise time it cannot read instead of dating the state now', () => {
    expect(parseWiseTime('2025-01-05 11:31:08').toISOString()).toBe('2025-01-05T11:31:08.000Z');
    expect(() => parseWiseTime('yesterday-ish')).toThrow(/cannot read/);
  });
});
