/**
 * Transfers through GraphQL against the simulator: the whole journey with live states, the
 * verification gate, the bank's funds, idempotency, funding with SCA and rejection,
 * cancellation, every state, refunds exactly once, the sweep, and faults on the way to Wise.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintCustomerToken } from '../src/http/auth.js';
import { sign } from '../src/simulator/webhooks.js';
import type { TransferWebhook } from '../src/services/transfer-webhook.js';
import { sql } from './support/database.js';
import { localId } from './support/ids.js';
import { startTestGateway, TEST_JWT_SECRET, type TestGateway } from './support/gateway.js';
import {
  bankBalance,
  CANCEL_TRANSFER,
  client,
  CREATE_TRANSFER,
  euroRecipient,
  FUND_TRANSFER,
  quote,
  readyCustomer,
  simulateState,
  TRANSFER,
  type Json,
} from './support/journey.js';
import { subscribe } from './support/subscriptions.js';
import { simulatorOf } from './support/wise.js';

let gateway: TestGateway;
let gql: (query: string, variables?: Record<string, unknown>) => Promise<Json>;
const closers: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  // These tests run the sweep themselves (the schedule's part): the schedule must not race them
  // for a transfer's lock, and a minute boundary could fall in any test.
  gateway = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc', WISE_TIMEOUT_MS: '1500', WISE_BACKOFF_BASE_MS: '20' }, { gateway: { schedule: false } });
  gql = client(gateway, 'cust-alice');
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close().catch(() => undefined);
  await gateway?.stop();
});

async function readyToSend(amount = '100') {
  await readyCustomer(gateway);
  const q = await quote(gateway, 'cust-alice', amount);
  const recipientId = await euroRecipient(gateway, 'cust-alice', q.id);
  return { quoteId: q.id as string, recipientId };
}

async function created(ctx: { quoteId: string; recipientId: string }, key = randomUUID()) {
  const result = (await gql(CREATE_TRANSFER, { quoteId: ctx.quoteId, recipientId: ctx.recipientId, key, details: [{ key: 'reference', value: 'rent' }] })).data.createTransfer;
  expect(result.__typename).toBe('TransferCreated');
  return result.transfer;
}

const transferOf = async (id: string) => (await gql(TRANSFER, { id })).data.transfer;
const waitForStatus = async (id: string, status: string) => {
  try {
    await expect.poll(async () => (await transferOf(id)).status, { timeout: 10_000 }).toBe(status);
  } catch (error) {
    // What the gateway saw, to tell a lost event from a refused one.
    const inbox = await sql(gateway.databaseUrl, "select status, note, occurred_at, body->'data'->>'current_state' as state from webhook_inbox order by received_at");
    const history = await sql(gateway.databaseUrl, 'select state, occurred_at, source from transfer_event order by id');
    throw new Error(`${(error as Error).message}\ninbox: ${JSON.stringify(inbox)}\nhistory: ${JSON.stringify(history)}`, { cause: error });
  }
};
const wiseTransfers = () => Object.values(gateway.simulator!.core.state.transfers);
const fundDebits = async () => sql<{ amount: string; idempotency_key: string }>(gateway.databaseUrl, "select amount, idempotency_key from ledger_entry where customer_id = 'cust-alice' order by created_at");

describe('the whole journey', () => {
  it('link → verification → quote → recipient → transfer → fund → sent, every state pushed live in order', async () => {
    const token = await mintCustomerToken(TEST_JWT_SECRET, 'cust-alice');
    const live = await subscribe(gateway.url, token, 'subscription { transferStatusChanged { sequence transferId status transfer { id funding } } }');
    closers.push(() => live.close());
    const ctx = await readyToSend();

    const form = (await gql(`query R($q: ID!, $r: ID!) { transferForm(quoteId: $q, recipientId: $r) { title fields { key control required } } }`, { q: ctx.quoteId, r: ctx.recipientId })).data.transferForm;
    expect(form.fields.map((f: { key: string }) => f.key)).toContain('reference');

    const transfer = await created(ctx);
    expect(transfer).toMatchObject({ status: 'INCOMING_PAYMENT_WAITING', funding: 'NOT_FUNDED', reference: 'rent', sourceAmount: { amount: '100.00', currency: 'GBP' } });
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('5000.00');

    const funded = (await gql(FUND_TRANSFER, { id: transfer.id })).data.fundTransfer;
    expect(funded).toMatchObject({ __typename: 'TransferFunded', transfer: { funding: 'FUNDED', status: 'PROCESSING' } });
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4900.00');

    for (const state of ['processing', 'funds_converted', 'outgoing_payment_sent']) {
      expect((await simulateState(gateway, 'cust-alice', transfer.wiseTransferId, state)).status).toBe(state);
      await waitForStatus(transfer.id, state.toUpperCase());
    }
    const seen: string[] = [];
    while (seen.at(-1) !== 'OUTGOING_PAYMENT_SENT') seen.push((await live.next()).transferStatusChanged.status);
    expect(seen).toEqual(['INCOMING_PAYMENT_WAITING', 'PROCESSING', 'FUNDS_CONVERTED', 'OUTGOING_PAYMENT_SENT']);
    const history = (await transferOf(transfer.id)).history.map((h: { status: string }) => h.status);
    expect(history).toEqual(['INCOMING_PAYMENT_WAITING', 'PROCESSING', 'FUNDS_CONVERTED', 'OUTGOING_PAYMENT_SENT']);
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4900.00');
  });

  it('bounce, then refund: the customer gets the money back once, when Wise refunds', async () => {
    const ctx = await readyToSend();
    const transfer = await created(ctx);
    await gql(FUND_TRANSFER, { id: transfer.id });
    for (const state of ['processing', 'funds_converted', 'outgoing_payment_sent', 'bounced_back', 'funds_refunded']) {
      await simulateState(gateway, 'cust-alice', transfer.wiseTransferId, state);
      await waitForStatus(transfer.id, state.toUpperCase());
    }
    expect(await transferOf(transfer.id)).toMatchObject({ status: 'FUNDS_REFUNDED', refunded: true });
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('5000.00');
    expect((await fundDebits()).map((e) => [e.amount, e.idempotency_key.split(':')[0]])).toEqual([
      ['-100.00', 'fund'],
      ['100.00', 'refund'],
    ]);
  });

  it('a bounce alone returns nothing: when Wise re-sends the payout, the customer has paid once', async () => {
    const ctx = await readyToSend();
    const transfer = await created(ctx);
    await gql(FUND_TRANSFER, { id: transfer.id });
    for (const state of ['processing', 'funds_converted', 'outgoing_payment_sent', 'bounced_back']) {
      await simulateState(gateway, 'cust-alice', transfer.wiseTransferId, state);
      await waitForStatus(transfer.id, state.toUpperCase());
    }
    // Wise holds the money now; it will re-send the payout or refund it.
    expect(await transferOf(transfer.id)).toMatchObject({ status: 'BOUNCED_BACK', refunded: false });
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4900.00');

    // It re-sends, later (Wise dates its events to the second).
    await simulatorOf(gateway).control('/clock/advance', { seconds: 2 });
    await simulatorOf(gateway).control(`/transfers/${transfer.wiseTransferId}/state`, { state: 'outgoing_payment_sent' });
    await waitForStatus(transfer.id, 'OUTGOING_PAYMENT_SENT');
    expect(await transferOf(transfer.id)).toMatchObject({ refunded: false });
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4900.00');
    expect((await fundDebits()).map((e) => [e.amount, e.idempotency_key.split(':')[0]])).toEqual([['-100.00', 'fund']]);
  });
});

describe('creating a transfer', () => {
  it('is refused while the verification gate says no, and allowed within the amount Wise still allows', async () => {
    const { body } = await gateway.graphql(`mutation { createWiseAccount { ... on WiseAccountCreated { profile { id wiseProfileId } } } }`, { customerId: 'cust-alice' });
    const { id: profileId, wiseProfileId } = body.data.createWiseAccount.profile;
    const q = await quote(gateway, 'cust-alice', '100');
    const recipientId = await euroRecipient(gateway, 'cust-alice', q.id);
    const refused = (await gql(CREATE_TRANSFER, { quoteId: q.id, recipientId, key: randomUUID() })).data.createTransfer;
    expect(refused).toMatchObject({ __typename: 'VerificationRequired', maximumEntitledAmount: { amount: '0.00', currency: 'GBP' } });
    expect(wiseTransfers()).toHaveLength(0);

    await simulatorOf(gateway).control(`/profiles/${wiseProfileId}/verification`, { maximumEntitledAmount: 500 });
    await gql(`query V($id: ID!) { verification(profileId: $id, refresh: true) { canTransfer } }`, { id: profileId });
    const allowed = (await gql(CREATE_TRANSFER, { quoteId: q.id, recipientId, key: randomUUID() })).data.createTransfer;
    expect(allowed.__typename).toBe('TransferCreated');
  });

  it("checks the bank customer's funds first", async () => {
    const ctx = await readyToSend('6000');
    const result = (await gql(CREATE_TRANSFER, { quoteId: ctx.quoteId, recipientId: ctx.recipientId, key: randomUUID() })).data.createTransfer;
    expect(result).toMatchObject({ __typename: 'InsufficientFunds', available: { amount: '5000.00', currency: 'GBP' }, required: { amount: '6000.00', currency: 'GBP' } });
    expect(wiseTransfers()).toHaveLength(0);
  });

  it('returns the same transfer for the same key, and refuses the key with other input', async () => {
    const ctx = await readyToSend();
    const key = randomUUID();
    const first = await created(ctx, key);
    const again = await created(ctx, key);
    expect(again.id).toBe(first.id);
    const other = (await gql(CREATE_TRANSFER, { quoteId: ctx.quoteId, recipientId: ctx.recipientId, key, details: [{ key: 'reference', value: 'other' }] })).data.createTransfer;
    expect(other.__typename).toBe('IdempotencyKeyReused');
    expect(wiseTransfers()).toHaveLength(1);
  });

  it('answers createTransfer with the transfer exactly as a later read shows it: its quote accepted, its recipient, its first state', async () => {
    const ctx = await readyToSend();
    const FULL = `id wiseTransferId status wiseStatus funding reference createdAt updatedAt sourceAmount { amount currency } targetAmount { amount currency } fee { amount currency } rate
      history { status wiseStatus occurredAt }
      quote { id wiseQuoteId profileId status expired createdAt expiresAt rate payOut providedAmountType sourceAmount { amount currency } targetAmount { amount currency } fee { amount currency }
        notices { text type } paymentOptions { payIn payOut fee { amount currency } sourceAmount { amount currency } targetAmount { amount currency } disabled estimatedDelivery } }
      recipient { id wiseRecipientId profileId accountHolderName accountSummary longAccountSummary currency country type legalEntityType active }`;
    const answered = (
      await gql(`mutation T($quoteId: ID!, $recipientId: ID!, $key: String!) { createTransfer(input: { quoteId: $quoteId, recipientId: $recipientId, idempotencyKey: $key }) { ... on TransferCreated { transfer { ${FULL} } } } }`, {
        quoteId: ctx.quoteId,
        recipientId: ctx.recipientId,
        key: randomUUID(),
      })
    ).data.createTransfer.transfer;
    expect(answered.quote).toMatchObject({ id: ctx.quoteId, status: 'ACCEPTED' });
    expect(answered.recipient.id).toBe(ctx.recipientId);
    expect(answered.history.map((h: { status: string }) => h.status)).toEqual([answered.status]);
    const read = (await gql(`query R($id: ID!) { transfer(id: $id) { ${FULL} } }`, { id: answered.id })).data.transfer;
    expect(answered).toEqual(read);
  });

  it('says when the quote expired or was used, and validates details against the requirements', async () => {
    const ctx = await readyToSend();
    const badReference = (await gql(CREATE_TRANSFER, { quoteId: ctx.quoteId, recipientId: ctx.recipientId, key: randomUUID(), details: [{ key: 'reference', value: 'x'.repeat(200) }] })).data.createTransfer;
    expect(badReference).toMatchObject({ __typename: 'TransferInvalid', fieldErrors: [{ path: 'reference', code: 'TOO_LONG' }] });
    await created(ctx);
    const used = (await gql(CREATE_TRANSFER, { quoteId: ctx.quoteId, recipientId: ctx.recipientId, key: randomUUID() })).data.createTransfer;
    expect(used).toMatchObject({ __typename: 'QuoteNotUsable', reason: 'ALREADY_USED' });
    const q2 = await quote(gateway, 'cust-alice', '50');
    await sql(gateway.databaseUrl, "update quote set expires_at = now() - interval '1 second' where id = $1", [localId(q2.id)]);
    const expired = (await gql(CREATE_TRANSFER, { quoteId: q2.id, recipientId: ctx.recipientId, key: randomUUID() })).data.createTransfer;
    expect(expired).toMatchObject({ __typename: 'QuoteNotUsable', reason: 'EXPIRED' });
  });
});

describe('funding', () => {
  it('turns an SCA challenge into ScaRequired; the approved retry funds, and the customer is debited once', async () => {
    const ctx = await readyToSend();
    const transfer = await created(ctx);
    const profileId = (await gql('{ onboardingStatus { profileId } }')).data.onboardingStatus.profileId;
    await simulatorOf(gateway).control(`/profiles/${localId(profileId)}/sca`, { required: true });
    const challenged = (await gql(FUND_TRANSFER, { id: transfer.id })).data.fundTransfer;
    expect(challenged).toMatchObject({ __typename: 'ScaRequired', transfer: { funding: 'NOT_FUNDED' } });
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('5000.00');
    const approved = (await gql(FUND_TRANSFER, { id: transfer.id, ott: challenged.oneTimeToken })).data.fundTransfer;
    expect(approved).toMatchObject({ __typename: 'TransferFunded', transfer: { funding: 'FUNDED' } });
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4900.00');
    const wrongToken = await gql(FUND_TRANSFER, { id: (await created(await readyAgain())).id, ott: 'made-up' });
    expect(wrongToken.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.oneTimeToken' });
  });

  it("leaves the customer's money where it was when Wise REJECTS the funding", async () => {
    const ctx = await readyToSend();
    const transfer = await created(ctx);
    const profileId = (await gql('{ onboardingStatus { profileId } }')).data.onboardingStatus.profileId;
    await simulatorOf(gateway).control(`/profiles/${localId(profileId)}/balances`, { currency: 'GBP', amount: 1 });
    const rejected = (await gql(FUND_TRANSFER, { id: transfer.id })).data.fundTransfer;
    expect(rejected).toMatchObject({ __typename: 'FundingRejected', reason: 'transfer.insufficient_funds', transfer: { funding: 'REJECTED' } });
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('5000.00');
    await simulatorOf(gateway).control(`/profiles/${localId(profileId)}/balances`, { currency: 'GBP', amount: 10_000 });
    expect((await gql(FUND_TRANSFER, { id: transfer.id })).data.fundTransfer.__typename).toBe('TransferFunded');
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4900.00');
  });

  it('refuses with InsufficientFunds when the bank account no longer covers it', async () => {
    const ctx = await readyToSend('100');
    const transfer = await created(ctx);
    await sql(gateway.databaseUrl, "update bank_account set balance = 20 where customer_id = 'cust-alice' and currency = 'GBP'");
    const result = (await gql(FUND_TRANSFER, { id: transfer.id })).data.fundTransfer;
    expect(result).toMatchObject({ __typename: 'InsufficientFunds', available: { amount: '20.00' }, required: { amount: '100.00' } });
    expect(Object.values(gateway.simulator!.core.state.transfers)[0].funded).toBe(false);
  });
});

describe('cancelling', () => {
  it('cancels before and after funding (refunding the debit once), and refuses once sent', async () => {
    const ctx = await readyToSend();
    const unfunded = await created(ctx);
    expect((await gql(CANCEL_TRANSFER, { id: unfunded.id })).data.cancelTransfer).toEqual({ __typename: 'TransferCancelled', transfer: { status: 'CANCELLED', refunded: false } });

    const q2 = await quote(gateway, 'cust-alice', '100');
    const funded = await created({ quoteId: q2.id, recipientId: ctx.recipientId });
    await gql(FUND_TRANSFER, { id: funded.id });
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4900.00');
    expect((await gql(CANCEL_TRANSFER, { id: funded.id })).data.cancelTransfer).toEqual({ __typename: 'TransferCancelled', transfer: { status: 'CANCELLED', refunded: true } });
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('5000.00');
    // Wise then refunds it: no second credit.
    await simulateState(gateway, 'cust-alice', funded.wiseTransferId, 'funds_refunded');
    await waitForStatus(funded.id, 'FUNDS_REFUNDED');
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('5000.00');

    const q3 = await quote(gateway, 'cust-alice', '100');
    const sent = await created({ quoteId: q3.id, recipientId: ctx.recipientId });
    await gql(FUND_TRANSFER, { id: sent.id });
    for (const state of ['processing', 'funds_converted', 'outgoing_payment_sent']) await simulateState(gateway, 'cust-alice', sent.wiseTransferId, state);
    await waitForStatus(sent.id, 'OUTGOING_PAYMENT_SENT');
    expect((await gql(CANCEL_TRANSFER, { id: sent.id })).data.cancelTransfer).toMatchObject({ __typename: 'TransferNotCancellable', transfer: { status: 'OUTGOING_PAYMENT_SENT' } });
  });
});

describe('every state', () => {
  it("represents every Wise state, and one it does not know as UNKNOWN with Wise's value", async () => {
    const ctx = await readyToSend();
    const transfer = await created(ctx);
    // In Wise's usual order: these events come within a second here, and Wise dates to the second.
    for (const state of ['incoming_payment_initiated', 'waiting_recipient_input_to_proceed', 'processing', 'funds_converted', 'outgoing_payment_sent', 'bounced_back', 'cancelled', 'funds_refunded', 'charged_back', 'unknown']) {
      await simulatorOf(gateway).control(`/transfers/${transfer.wiseTransferId}/state`, { state });
      await waitForStatus(transfer.id, state.toUpperCase());
    }
    const body = JSON.stringify({
      data: { resource: { type: 'transfer', id: Number(transfer.wiseTransferId), profile_id: 0, account_id: 0 }, current_state: 'paused_for_review', previous_state: 'unknown', occurred_at: new Date(Date.now() + 60_000).toISOString() },
      subscription_id: randomUUID(),
      event_type: 'transfers#state-change',
      schema_version: '2.0.0',
      sent_at: new Date().toISOString(),
    });
    await fetch(`${gateway.url}/webhooks/wise`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-delivery-id': randomUUID(), 'x-signature-sha256': sign(gateway.simulator!.core, body) }, body });
    await expect.poll(async () => (await transferOf(transfer.id)).wiseStatus, { timeout: 10_000 }).toBe('paused_for_review');
    expect(await transferOf(transfer.id)).toMatchObject({ status: 'UNKNOWN', statusLabel: 'Unknown' });
    expect((await transferOf(transfer.id)).history).toHaveLength(12);
  });
});

describe('events out of order', () => {
  const delivered = new Set<string>();
  const deliver = async (wiseTransferId: string, state: string, occurredAt: Date) => {
    const deliveryId = randomUUID();
    delivered.add(deliveryId);
    const body = JSON.stringify({
      data: { resource: { type: 'transfer', id: Number(wiseTransferId), profile_id: 0, account_id: 0 }, current_state: state, previous_state: null, occurred_at: occurredAt.toISOString() },
      subscription_id: randomUUID(),
      event_type: 'transfers#state-change',
      schema_version: '2.0.0',
      sent_at: new Date().toISOString(),
    });
    const response = await fetch(`${gateway.url}/webhooks/wise`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-delivery-id': deliveryId, 'x-signature-sha256': sign(gateway.simulator!.core, body) }, body });
    expect(response.status).toBe(200);
    if ((await response.json()).result === 'duplicate') return 'duplicate';
    await expect.poll(async () => (await sql<{ status: string }>(gateway.databaseUrl, 'select status from webhook_inbox where delivery_id = $1', [deliveryId]))[0]?.status).not.toBe('pending');
    return (await sql<{ status: string }>(gateway.databaseUrl, 'select status from webhook_inbox where delivery_id = $1', [deliveryId]))[0].status;
  };

  it('an older state delivered late joins the history but does not replace the current state', async () => {
    const ctx = await readyToSend();
    const transfer = await created(ctx);
    // States that move no money stay on the plain hot path: the ORM handler is never asked for
    // these deliveries. (Only these are counted: the simulator's own webhooks for earlier
    // transfers, retried late on a loaded machine, may rightly take the ORM path meanwhile.)
    const transferWebhook = gateway.webhooks.handlers['transfers#state-change'] as TransferWebhook;
    const throughOrm = transferWebhook.throughOrm.bind(transferWebhook);
    let ormCalls = 0;
    transferWebhook.throughOrm = async (em, event) => {
      if (delivered.has(event.deliveryId)) ormCalls += 1;
      return throughOrm(em, event);
    };
    const now = Date.now();
    expect(await deliver(transfer.wiseTransferId, 'funds_converted', new Date(now + 20_000))).toBe('applied');
    expect(await deliver(transfer.wiseTransferId, 'processing', new Date(now + 10_000))).toBe('stale');
    // The same event again, under another delivery id: the same event, not stored twice.
    expect(await deliver(transfer.wiseTransferId, 'funds_converted', new Date(now + 20_000))).toBe('duplicate');
    const read = await transferOf(transfer.id);
    expect(read.status).toBe('FUNDS_CONVERTED');
    expect(read.history.map((h: { status: string }) => h.status)).toEqual(expect.arrayContaining(['PROCESSING', 'FUNDS_CONVERTED']));
    expect(read.history.filter((h: { status: string }) => h.status === 'FUNDS_CONVERTED')).toHaveLength(1);
    expect(ormCalls).toBe(0);
  });
});

describe('reads', () => {
  it('pages transfers with recipient and quote in the same few SQL statements whatever the page size, with no Wise call', async () => {
    await readyCustomer(gateway);
    const seedQuote = await quote(gateway, 'cust-alice', '10');
    const recipientId = await euroRecipient(gateway, 'cust-alice', seedQuote.id);
    // 60 transfers, each with its own quote, straight into the cache.
    await sql(
      gateway.databaseUrl,
      `with q as (
         insert into quote (id, customer_id, profile_id, source_currency, target_currency, source_amount, target_amount, rate, fee, provided_amount_type, pay_out, status, created_at, expires_at, data)
         select gen_random_uuid(), customer_id, profile_id, source_currency, target_currency, source_amount, target_amount, rate, fee, provided_amount_type, pay_out, 'FUNDED', created_at, expires_at, data
         from quote, generate_series(1, 60) where id = $1 returning id, profile_id)
       insert into transfer (id, customer_id, profile_id, idempotency_key, request_hash, customer_transaction_id, quote_id, recipient_id, wise_transfer_id, creation_state, status, funding_state, source_currency, source_amount, target_currency, target_amount, rate, fee, details, created_at)
       select gen_random_uuid(), 'cust-alice', profile_id, 'seed-' || id, 'h', gen_random_uuid(), id, $2, 90000000 + row_number() over (), 'CREATED', 'outgoing_payment_sent', 'FUNDED', 'GBP', 10, 'EUR', 11.5, 1.17, 0.5, '{}', now() - (row_number() over ()) * interval '1 minute'
       from q`,
      [localId(seedQuote.id), Number(localId(recipientId))],
    );
    const page = `query P($first: Int!) { transfers(first: $first) { edges { node { id status quote { id rate } recipient { id accountSummary } history { status } } } pageInfo { hasNextPage } } }`;
    const cost = async (first: number) => {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await mintCustomerToken(TEST_JWT_SECRET, 'cust-alice')}`, 'x-gateway-cost': '1' },
        body: JSON.stringify({ query: page, variables: { first } }),
      });
      const body = await response.json();
      expect(body.data.transfers.edges).toHaveLength(first);
      expect(body.data.transfers.edges.every((e: Json) => e.node.quote && e.node.recipient)).toBe(true);
      return body.extensions.cost;
    };
    const small = await cost(5);
    const large = await cost(50);
    expect(large).toEqual(small);
    // The rate limits' counters (which also read the read version), the page, its histories.
    expect(large.sqlStatements).toBeLessThanOrEqual(3);
    expect(large.wiseCalls).toBe(0);
  });

  it('filters by status and date, and keeps a transfer readable after Wise stops showing it (403)', async () => {
    const ctx = await readyToSend();
    const transfer = await created(ctx);
    const list = async (variables: Record<string, unknown>) => (await gql(`query L($s: [TransferStatus!], $a: DateTimeISO, $b: DateTimeISO) { transfers(first: 10, status: $s, createdAfter: $a, createdBefore: $b) { edges { node { id } } } }`, variables)).data.transfers.edges.map((e: Json) => e.node.id);
    expect(await list({ s: ['INCOMING_PAYMENT_WAITING'] })).toEqual([transfer.id]);
    expect(await list({ s: ['OUTGOING_PAYMENT_SENT'] })).toEqual([]);
    expect(await list({ a: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect(await list({ b: new Date(Date.now() + 60_000).toISOString() })).toEqual([transfer.id]);

    // The customer re-links to another Wise account: Wise answers 403 for the old transfer.
    const wise = simulatorOf(gateway);
    await wise.control('/users', { email: 'alice.other@wise.example', password: 'alice-other-pw', profile: { firstName: 'Alice', lastName: 'Newcomer', dateOfBirth: '1990-04-12', country: 'GB' }, verified: true });
    await gql('mutation { unlinkAccount { unlinked } }');
    const { linkThroughWise } = await import('./support/wise.js');
    expect((await linkThroughWise(gateway, 'cust-alice', { email: 'alice.other@wise.example', password: 'alice-other-pw' })).result.__typename).toBe('LinkCompleted');
    await sql(gateway.databaseUrl, "update transfer set synced_at = now() - interval '1 hour'");
    await gateway.transferSweep.run();
    const [row] = await sql<{ wise_access_lost: boolean }>(gateway.databaseUrl, 'select wise_access_lost from transfer where id = $1', [localId(transfer.id)]);
    expect(row.wise_access_lost).toBe(true);
    expect(await transferOf(transfer.id)).toMatchObject({ id: transfer.id, status: 'INCOMING_PAYMENT_WAITING', reference: 'rent' });
  });

  it("never shows one customer another's transfer", async () => {
    const ctx = await readyToSend();
    const transfer = await created(ctx);
    const bob = client(gateway, 'cust-bob');
    expect((await bob(TRANSFER, { id: transfer.id })).data.transfer).toBeNull();
    expect((await bob(FUND_TRANSFER, { id: transfer.id })).errors[0].extensions.code).toBe('NOT_FOUND');
  });
});

describe('a lost webhook', () => {
  it('is made up for by the sweep, which re-reads stale transfers from Wise', async () => {
    const ctx = await readyToSend();
    const transfer = await created(ctx);
    await gql(FUND_TRANSFER, { id: transfer.id });
    // Wise's deliveries stop reaching the gateway.
    const cc = await gateway.tokens.clientAccessToken();
    const base = `${gateway.simulator!.url}/v3/applications/${gateway.wise.clientKey}/subscriptions`;
    for (const s of await (await fetch(base, { headers: { authorization: `Bearer ${cc}` } })).json()) {
      await fetch(`${base}/${s.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${cc}` } });
    }
    await simulateState(gateway, 'cust-alice', transfer.wiseTransferId, 'processing');
    await simulateState(gateway, 'cust-alice', transfer.wiseTransferId, 'funds_converted');
    await new Promise((r) => setTimeout(r, 300));
    expect((await transferOf(transfer.id)).status).toBe('PROCESSING');
    expect(await gateway.transferSweep.run()).toMatchObject({ refreshed: 0, resumed: 0, settled: 0 });
    await sql(gateway.databaseUrl, "update transfer set synced_at = now() - interval '10 minutes' where id = $1", [localId(transfer.id)]);
    expect(await gateway.transferSweep.run()).toMatchObject({ refreshed: 1, resumed: 0, settled: 0 });
    expect((await transferOf(transfer.id)).status).toBe('FUNDS_CONVERTED');
  });
});

describe('faults on the way to Wise', () => {
  const arm = (fault: object) => simulatorOf(gateway).control('/faults', fault);

  it.each([
    ['Wise creates the transfer but the response is lost', { kind: 'lose_response' }],
    ['Wise answers 500', { kind: 'status', status: 500, count: 2 }],
    ['Wise answers 429 with Retry-After', { kind: 'rate_limit', retryAfterSeconds: 1 }],
    ['Wise does not answer in time', { kind: 'timeout' }],
  ])('%s: still exactly one transfer, debited at most once', async (_name, fault) => {
    const ctx = await readyToSend();
    await arm({ method: 'POST', path: '/v1/transfers', ...fault });
    const transfer = await created(ctx);
    await arm({ method: 'POST', path: '/v3/profiles/:profileId/transfers/:transferId/payments', ...fault });
    expect((await gql(FUND_TRANSFER, { id: transfer.id })).data.fundTransfer.__typename).toBe('TransferFunded');
    expect(wiseTransfers()).toHaveLength(1);
    expect(wiseTransfers()[0]).toMatchObject({ id: Number(transfer.wiseTransferId), funded: true });
    expect((await fundDebits()).filter((e) => e.amount.startsWith('-'))).toHaveLength(1);
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4900.00');
  });
});

async function readyAgain() {
  const q = await quote(gateway, 'cust-alice', '10');
  const recipientId = await euroRecipient(gateway, 'cust-alice', q.id);
  return { quoteId: q.id as string, recipientId };
}
