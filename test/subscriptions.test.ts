/**
 * A WebSocket lives no longer than the bank token it was opened with, and one bad subscribe
 * message is that operation's error, not the socket's — with real graphql-ws clients.
 */
import { createClient } from 'graphql-ws';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { decodeJwt } from 'jose';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { client, type Json } from './support/journey.js';
import { aTransfer, deliverState, secondsFromNow } from './support/live.js';
import { subscribe, type Subscriber } from './support/subscriptions.js';
import { CREATE_WISE_ACCOUNT } from './support/wise.js';

let gateway: TestGateway;
const closers: (() => Promise<unknown>)[] = [];
beforeEach(async () => {
  gateway = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc' });
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  vi.restoreAllMocks();
  await gateway?.stop();
});

const LIVE = 'subscription Live($after: String) { transferStatusChanged(after: $after) { sequence status } }';

async function live(token: string, after?: string): Promise<Subscriber> {
  const s = await subscribe(gateway.url, token, LIVE, after === undefined ? {} : { after });
  closers.push(() => s.close());
  return s;
}

describe('the socket and the bank token', () => {
  it('closes with 4403 within a second of the token expiring, and a resumed subscription with a new token misses nothing', async () => {
    const transfer = await aTransfer(gateway);
    const shortLived = await gateway.token('cust-alice', '3s');
    const expiresAt = decodeJwt(shortLived).exp! * 1000;
    const first = await live(shortLived);
    await deliverState(gateway, transfer.wiseTransferId, 'processing', 'incoming_payment_waiting', secondsFromNow(1));
    const seen = (await first.next(10_000)).transferStatusChanged;
    expect(seen.status).toBe('PROCESSING');

    const closed = await first.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(/token expired/);
    expect(closed.at).toBeGreaterThanOrEqual(expiresAt);
    expect(closed.at - expiresAt).toBeLessThan(1000);

    // While the client renews its token, Wise moves on.
    await deliverState(gateway, transfer.wiseTransferId, 'funds_converted', 'processing', secondsFromNow(2));
    const renewed = await live(await gateway.token('cust-alice'), seen.sequence);
    expect((await renewed.next(10_000)).transferStatusChanged.status).toBe('FUNDS_CONVERTED');
    await deliverState(gateway, transfer.wiseTransferId, 'outgoing_payment_sent', 'funds_converted', secondsFromNow(3));
    expect((await renewed.next(10_000)).transferStatusChanged.status).toBe('OUTGOING_PAYMENT_SENT');
  }, 60_000);

  it("closes the customer's sockets with 4403 when they unlink their Wise account", async () => {
    const gql = client(gateway, 'cust-alice');
    expect((await gql(CREATE_WISE_ACCOUNT)).data.createWiseAccount.__typename).toBe('WiseAccountCreated');
    const alice = await live(await gateway.token('cust-alice'));
    const bob = await live(await gateway.token('cust-bob'));
    expect((await gql('mutation { unlinkAccount { unlinked } }')).data.unlinkAccount.unlinked).toBe(true);
    const closed = await alice.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(/unlinked/);
    // Another customer's socket stays open.
    const bobClosed = await Promise.race([bob.closed, new Promise((r) => setTimeout(() => r('open'), 1000))]);
    expect(bobClosed).toBe('open');
  });
});

describe('a subscribe message with a bad document', () => {
  it('is an error for that operation; the socket and its other subscriptions carry on, and nothing is printed', async () => {
    const printed = vi.spyOn(console, 'error');
    const warned = vi.spyOn(console, 'warn');
    const ws = createClient({
      url: `${gateway.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${await gateway.token('cust-alice')}` },
      retryAttempts: 0,
      lazy: false,
    });
    const closes: number[] = [];
    ws.on('closed', (event) => closes.push((event as { code: number }).code));
    closers.push(async () => ws.dispose());
    const received: Json[] = [];
    ws.subscribe({ query: 'subscription { onboardingStatusChanged { state sequence } }' }, { next: (v) => received.push(v.data), error: () => {}, complete: () => {} });
    const errors = await new Promise<readonly { message: string }[]>((resolve) => {
      ws.subscribe({ query: 'subscription { onboardingStatusChanged { state ' }, { next: () => {}, error: (e) => resolve(e as { message: string }[]), complete: () => {} });
    });
    expect(errors[0].message).toMatch(/Syntax Error/);
    const unknownField = await new Promise<readonly { message: string }[]>((resolve) => {
      ws.subscribe({ query: 'subscription { noSuchSubscription }' }, { next: () => {}, error: (e) => resolve(e as { message: string }[]), complete: () => {} });
    });
    expect(unknownField[0].message).toMatch(/noSuchSubscription/);

    // The first subscription still works.
    await new Promise((r) => setTimeout(r, 100));
    await gateway.events.record({ type: 'onboarding.changed', customerId: 'cust-alice' });
    await expect.poll(() => received.length).toBe(1);
    expect(received[0].onboardingStatusChanged.state).toBe('NOT_LINKED');
    expect(closes).toEqual([]);
    expect(printed).not.toHaveBeenCalled();
    expect(warned).not.toHaveBeenCalled();
  });
});
