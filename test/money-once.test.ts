/**
 * Money moves once, when calls race and answers are lost: each case is a way a customer lost or
 * gained money before (issue #13), played against the gateway with the simulator's faults.
 * After each, the bank's ledger, the gateway's rows and Wise (the simulator) agree.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from './support/database.js';
import { globalId, localId } from './support/ids.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { bankBalance, CANCEL_TRANSFER, client, CREATE_TRANSFER, euroRecipient, FUND_TRANSFER, quote, readyCustomer, type Json } from './support/journey.js';
import { simulatorOf } from './support/wise.js';
import { TRANSFER_MONEY_LOCKS } from '../src/services/transfer-locks.js';

let gateway: TestGateway;
let gql: (query: string, variables?: Record<string, unknown>) => Promise<Json>;

beforeEach(async () => {
  // These tests run the sweep themselves (the schedule's part): the schedule must not race them
  // for a transfer's lock, and a minute boundary could fall in any test.
  gateway = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc', WISE_TIMEOUT_MS: '1500', WISE_BACKOFF_BASE_MS: '20' }, { gateway: { schedule: false } });
  gql = client(gateway, 'cust-alice');
});
afterEach(async () => {
  await gateway?.stop();
});

const PAYMENTS = '/v3/profiles/:profileId/transfers/:transferId/payments';
const arm = (fault: Record<string, unknown>) => simulatorOf(gateway).control('/faults', fault);

async function readyTransfer(amount = '10') {
  const profileId = await readyCustomer(gateway);
  const q = await quote(gateway, 'cust-alice', amount);
  const recipientId = await euroRecipient(gateway, 'cust-alice', q.id);
  const created = (await gql(CREATE_TRANSFER, { quoteId: q.id, recipientId, key: randomUUID() })).data.createTransfer;
  expect(created.__typename).toBe('TransferCreated');
  return { profileId, transfer: created.transfer, quoteId: q.id as string, recipientId };
}

const atWise = (wiseTransferId: string) => gateway.simulator!.core.state.transfers[Number(wiseTransferId)];
const row = async (id: string) =>
  (await sql<{ funding_state: string; status: string; refunded: boolean }>(gateway.databaseUrl, 'select funding_state, status, refunded from transfer where id = $1', [localId(id)]))[0];
const movements = (id: string) => sql<{ direction: string; amount: string; reason: string }>(gateway.databaseUrl, 'select direction, amount::float8::text as amount, reason from transfer_movement where transfer_id = $1 order by id', [localId(id)]);
const ledgerFor = (wiseTransferId: string) =>
  sql<{ amount: string; idempotency_key: string }>(gateway.databaseUrl, "select amount, idempotency_key from ledger_entry where reference like $1 order by created_at", [`Wise transfer ${wiseTransferId}%`]);
const until = async (check: () => Promise<boolean>) => expect.poll(check, { timeout: 15_000 }).toBe(true);
/**
 * Sweeps (as the minute's schedule would, a minute on) until the transfer's funding is no longer
 * DEBITED, and says how many fundings the sweeps settled. A sweep leaves a transfer another
 * operation holds for next time (a webhook for it being applied, say), so one sweep alone may
 * not be enough on a busy machine.
 */
async function sweepUntilSettled(transferId: string): Promise<number> {
  let settled = 0;
  await expect
    .poll(
      async () => {
        settled += (await gateway.transferSweep.run(Date.now() + 60_000)).settled;
        return (await row(transferId)).funding_state !== 'DEBITED';
      },
      { timeout: 30_000, interval: 200 },
    )
    .toBe(true);
  return settled;
}

/** A funding whose every attempt got no answer (the money stays DEBITED), then cancelled at Wise with the webhook lost. */
async function debitedThenCancelledAtWise() {
  const { transfer } = await readyTransfer();
  await arm({ method: 'POST', path: PAYMENTS, kind: 'timeout', count: 5 });
  await gql(FUND_TRANSFER, { id: transfer.id });
  await simulatorOf(gateway).control('/faults', undefined, 'DELETE');
  atWise(transfer.wiseTransferId).status = 'cancelled';
  return transfer;
}

describe('a funding and a cancel at the same time', () => {
  it('give the customer their money back once, and only once (Wise busy with the funding while the cancel arrives)', async () => {
    const { transfer } = await readyTransfer();
    // Wise takes a second before it starts on the funding: the cancel arrives meanwhile.
    await arm({ method: 'POST', path: PAYMENTS, kind: 'delay_request', delayMs: 1000 });
    const funding = gql(FUND_TRANSFER, { id: transfer.id });
    await until(async () => (await row(transfer.id)).funding_state === 'DEBITED');
    const cancelled = (await gql(CANCEL_TRANSFER, { id: transfer.id })).data.cancelTransfer;
    const funded = (await funding).data.fundTransfer;

    expect(cancelled.__typename).toBe('TransferCancelled');
    expect(['TransferFunded', 'FundingRejected']).toContain(funded.__typename);
    expect(atWise(transfer.wiseTransferId).status).toBe('cancelled');
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('5000.00');
    const entries = await ledgerFor(transfer.wiseTransferId);
    expect(entries.filter((e) => Number(e.amount) > 0)).toHaveLength(1);
    expect(entries.filter((e) => Number(e.amount) < 0)).toHaveLength(1);
  });
});

describe('fundTransfer called many times at once', () => {
  it('debits the customer once, and every caller hears the transfer is funded', async () => {
    const { transfer } = await readyTransfer();
    await arm({ method: 'POST', path: PAYMENTS, kind: 'delay_response', delayMs: 1500 });
    const results = await Promise.all(Array.from({ length: 10 }, () => gql(FUND_TRANSFER, { id: transfer.id })));
    expect(results.map((r) => r.data?.fundTransfer?.__typename ?? JSON.stringify(r.errors))).toEqual(Array(10).fill('TransferFunded'));
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4990.00');
    expect((await ledgerFor(transfer.wiseTransferId)).map((e) => e.amount)).toEqual(['-10.00']);
    expect(atWise(transfer.wiseTransferId).funded).toBe(true);
  });
});

describe('an SCA-approved funding whose answer is lost', () => {
  it('is found funded at Wise when retried: the customer is debited once and never credited back', async () => {
    const { transfer, profileId } = await readyTransfer();
    await simulatorOf(gateway).control(`/profiles/${profileId}/sca`, { required: true });
    const challenged = (await gql(FUND_TRANSFER, { id: transfer.id })).data.fundTransfer;
    expect(challenged.__typename).toBe('ScaRequired');

    // Wise funds it with the approval; the answer never arrives.
    await arm({ method: 'POST', path: PAYMENTS, kind: 'lose_response' });
    const lost = await gql(FUND_TRANSFER, { id: transfer.id, ott: challenged.oneTimeToken });
    expect(lost.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(atWise(transfer.wiseTransferId).funded).toBe(true);

    // The app retries with what it has: Wise challenges again, but the transfer is funded.
    const retried = (await gql(FUND_TRANSFER, { id: transfer.id, ott: challenged.oneTimeToken })).data.fundTransfer;
    expect(retried).toMatchObject({ __typename: 'TransferFunded', transfer: { funding: 'FUNDED' } });
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4990.00');
    expect((await row(transfer.id)).funding_state).toBe('FUNDED');
  });
});

describe('an SCA-approved funding still running at Wise when its caller gave up', () => {
  it('keeps the customer debited through the next challenge, and is funded once when Wise finishes it', async () => {
    const { transfer, profileId } = await readyTransfer();
    await simulatorOf(gateway).control(`/profiles/${profileId}/sca`, { required: true });
    const first = (await gql(FUND_TRANSFER, { id: transfer.id })).data.fundTransfer;
    expect(first.__typename).toBe('ScaRequired');
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('5000.00');

    // Wise takes longer over the approved call than the gateway waits (WISE_TIMEOUT_MS 1.5 s).
    await arm({ method: 'POST', path: PAYMENTS, kind: 'delay_request', delayMs: 4000 });
    const timedOut = await gql(FUND_TRANSFER, { id: transfer.id, ott: first.oneTimeToken });
    expect(timedOut.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');

    // The app tries again at once: Wise challenges again, and the transfer still looks unpaid —
    // but the approved call is still running there, so the money must stay debited.
    const again = (await gql(FUND_TRANSFER, { id: transfer.id })).data.fundTransfer;
    expect(again).toMatchObject({ __typename: 'ScaRequired', transfer: { funding: 'DEBITED' } });
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4990.00');

    await until(async () => atWise(transfer.wiseTransferId).funded);
    const approved = (await gql(FUND_TRANSFER, { id: transfer.id, ott: again.oneTimeToken })).data.fundTransfer;
    expect(approved).toMatchObject({ __typename: 'TransferFunded', transfer: { funding: 'FUNDED' } });
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4990.00');
    expect((await movements(transfer.id)).map((m) => m.direction)).toEqual(['debit', 'credit', 'debit']);
  });

  it('is given back by the sweep once the quarantine has passed and Wise shows it unfunded', async () => {
    const { transfer, profileId } = await readyTransfer();
    await simulatorOf(gateway).control(`/profiles/${profileId}/sca`, { required: true });
    const first = (await gql(FUND_TRANSFER, { id: transfer.id })).data.fundTransfer;
    // The approved call never reaches Wise's work at all, and the customer walks away.
    await arm({ method: 'POST', path: PAYMENTS, kind: 'timeout' });
    await gql(FUND_TRANSFER, { id: transfer.id, ott: first.oneTimeToken });
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4990.00');

    // Within the quarantine the sweep only looks; after it, the money goes back, once.
    await gateway.transferSweep.run(Date.now() + 60_000);
    expect((await row(transfer.id)).funding_state).toBe('DEBITED');
    await sql(gateway.databaseUrl, "update transfer set funding_started_at = now() - interval '11 minutes' where id = $1", [localId(transfer.id)]);
    expect(await sweepUntilSettled(transfer.id)).toBe(1);
    expect((await row(transfer.id)).funding_state).toBe('NOT_FUNDED');
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('5000.00');
    expect(atWise(transfer.wiseTransferId).funded).toBe(false);
  });
});

describe('a funding whose first attempt got no answer and whose retry Wise refused', () => {
  it('keeps the customer debited, since Wise may still do the first attempt, and is funded once when it does', async () => {
    const { transfer, profileId } = await readyTransfer();
    await simulatorOf(gateway).control(`/profiles/${profileId}/sca`, { required: true });
    // The first attempt waits at Wise past the gateway's patience (1.5 s); the client's retry
    // is answered at once with an SCA challenge, and the transfer still looks unpaid.
    await arm({ method: 'POST', path: PAYMENTS, kind: 'delay_request', delayMs: 4000 });
    const challenged = (await gql(FUND_TRANSFER, { id: transfer.id })).data.fundTransfer;
    expect(challenged).toMatchObject({ __typename: 'ScaRequired', transfer: { funding: 'DEBITED' } });
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4990.00');

    // Wise no longer asks this customer for SCA by the time it reaches the first attempt: it pays.
    await simulatorOf(gateway).control(`/profiles/${profileId}/sca`, { required: false });
    await until(async () => atWise(transfer.wiseTransferId).funded);
    expect(await sweepUntilSettled(transfer.id)).toBe(1);
    expect((await row(transfer.id)).funding_state).toBe('FUNDED');
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4990.00');
    expect((await movements(transfer.id)).map((m) => m.direction)).toEqual(['debit']);
  });
});

describe('a funding nobody finished (the caller gave up)', () => {
  it('is funded by the sweep when Wise never received it', async () => {
    const { transfer } = await readyTransfer();
    await arm({ method: 'POST', path: PAYMENTS, kind: 'timeout', count: 5 });
    const gaveUp = await gql(FUND_TRANSFER, { id: transfer.id });
    expect(gaveUp.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    await simulatorOf(gateway).control('/faults', undefined, 'DELETE');
    expect((await row(transfer.id)).funding_state).toBe('DEBITED');
    expect(atWise(transfer.wiseTransferId).funded).toBe(false);

    expect(await sweepUntilSettled(transfer.id)).toBe(1);
    expect(await row(transfer.id)).toMatchObject({ funding_state: 'FUNDED', status: 'processing' });
    expect(atWise(transfer.wiseTransferId).funded).toBe(true);
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4990.00');
  });

  it('is marked funded by the sweep when Wise had funded it', async () => {
    const { transfer } = await readyTransfer();
    await arm({ method: 'POST', path: PAYMENTS, kind: 'lose_response', count: 5 });
    await gql(FUND_TRANSFER, { id: transfer.id });
    await simulatorOf(gateway).control('/faults', undefined, 'DELETE');
    expect((await row(transfer.id)).funding_state).toBe('DEBITED');

    expect(await sweepUntilSettled(transfer.id)).toBe(1);
    expect((await row(transfer.id)).funding_state).toBe('FUNDED');
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4990.00');
  });

  it('is given back once by the sweep when Wise cancelled the transfer meanwhile', async () => {
    // Cancelled at Wise, and the webhook lost: only asking Wise tells.
    const transfer = await debitedThenCancelledAtWise();

    expect(await sweepUntilSettled(transfer.id)).toBe(1);
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('5000.00');
    expect((await movements(transfer.id)).map((m) => m.direction)).toEqual(['debit', 'credit']);
    // Swept again, nothing more moves.
    await gateway.transferSweep.run(Date.now() + 120_000);
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('5000.00');
  });
});

describe('a sweep that finds the transfer busy', () => {
  it('moves nothing while another replica holds the transfer, and gives the money back once when it is free', async () => {
    const transfer = await debitedThenCancelledAtWise();

    // Another replica is working on this transfer: it holds the transfer's money lock.
    const replica = new pg.Client({ connectionString: gateway.databaseUrl });
    await replica.connect();
    try {
      await replica.query('select pg_advisory_lock($1::int, hashtext($2))', [TRANSFER_MONEY_LOCKS, localId(transfer.id)]);
      expect(await gateway.transferSweep.run(Date.now() + 60_000)).toMatchObject({ settled: 0, busy: 1 });
      expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('4990.00');
      expect((await movements(transfer.id)).map((m) => m.direction)).toEqual(['debit']);
    } finally {
      await replica.end();
    }
    expect(await sweepUntilSettled(transfer.id)).toBe(1);
    expect(await bankBalance(gateway, 'cust-alice', 'GBP')).toBe('5000.00');
    expect((await movements(transfer.id)).map((m) => m.direction)).toEqual(['debit', 'credit']);
  });
});

describe('the ledger rule, in the database', () => {
  it('refuses a second debit and a credit that matches no debit, whatever the code asks', async () => {
    const { transfer } = await readyTransfer();
    await gql(FUND_TRANSFER, { id: transfer.id });
    const insert = (direction: string, key: string) =>
      sql(gateway.databaseUrl, "insert into transfer_movement (transfer_id, direction, amount, currency, reason, idempotency_key) values ($1, $2, 10, 'GBP', 'test', $3)", [localId(transfer.id), direction, key]);
    await expect(insert('debit', 'second-debit')).rejects.toThrow(/already has a debit outstanding/);
    await expect(
      sql(gateway.databaseUrl, "insert into transfer_movement (transfer_id, direction, amount, currency, reason, idempotency_key) values ($1, 'credit', 20, 'GBP', 'test', 'too-much')", [localId(transfer.id)]),
    ).rejects.toThrow(/no outstanding debit/);
    await insert('credit', 'one-credit');
    await expect(insert('credit', 'another-credit')).rejects.toThrow(/no outstanding debit/);
    await expect(sql(gateway.databaseUrl, 'delete from transfer_movement where transfer_id = $1', [localId(transfer.id)])).rejects.toThrow(/append-only/);
  });
});

describe('creating a recipient when the answer is lost and Wise cannot be asked', () => {
  it('adopts the recipient Wise created on the identical retry, instead of creating a second', async () => {
    const profileId = await readyCustomer(gateway);
    const q = await quote(gateway, 'cust-alice', '10');
    const recipientsAtWise = () => Object.values(gateway.simulator!.core.state.recipients).filter((r) => r.profileId === profileId && r.active);
    await arm({ method: 'POST', path: '/v1/accounts', kind: 'lose_response' });
    await arm({ method: 'GET', path: '/v2/accounts', kind: 'status', status: 503, count: 30 });
    await expect(euroRecipient(gateway, 'cust-alice', q.id)).rejects.toThrow(/UPSTREAM_UNAVAILABLE/);
    expect(recipientsAtWise()).toHaveLength(1);

    await simulatorOf(gateway).control('/faults', undefined, 'DELETE');
    const id = await euroRecipient(gateway, 'cust-alice', q.id);
    expect(recipientsAtWise().map((r) => String(r.id))).toEqual([localId(id)]);
  });
});

describe('a quote PATCH that failed', () => {
  it('is repeated by the retried createTransfer before Wise creates the transfer', async () => {
    await readyCustomer(gateway);
    const q = await quote(gateway, 'cust-alice', '10');
    const recipientId = await euroRecipient(gateway, 'cust-alice', q.id);
    await arm({ method: 'PATCH', path: '/v3/profiles/:profileId/quotes/:quoteId', kind: 'status', status: 503, count: 20 });
    const variables = { quoteId: q.id, recipientId, key: randomUUID() };
    const failed = await gql(CREATE_TRANSFER, variables);
    expect(failed.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');

    await simulatorOf(gateway).control('/faults', undefined, 'DELETE');
    await simulatorOf(gateway).clearCalls();
    const created = (await gql(CREATE_TRANSFER, variables)).data.createTransfer;
    expect(created.__typename).toBe('TransferCreated');
    const calls = (await simulatorOf(gateway).calls()).filter((c) => c.path.includes('/quotes/') || c.path === '/v1/transfers');
    expect(calls.map((c) => `${c.method} ${c.status}`)).toEqual(['PATCH 200', 'POST 200']);
    expect(gateway.simulator!.core.state.quotes[localId(q.id)].targetAccount).toBe(Number(localId(recipientId)));
  });
});

describe('input that cannot be stored is refused where it is parsed', () => {
  it('a quote for an amount no column holds is refused (QuoteInvalid on the amount), and Wise is not asked', async () => {
    await readyCustomer(gateway);
    await simulatorOf(gateway).clearCalls();
    const body = await gql(`mutation { createQuote(input: { sourceCurrency: "GBP", targetCurrency: "EUR", sourceAmount: "999999999999999" }) { __typename ... on QuoteCreated { quote { id } } ... on QuoteInvalid { code message field } } }`);
    expect(body.data.createQuote).toMatchObject({ __typename: 'QuoteInvalid', code: 'INVALID_INPUT', field: 'input.sourceAmount' });
    expect((await simulatorOf(gateway).calls('/v3/profiles')).filter((c) => c.method === 'POST')).toHaveLength(0);
    // The largest amount accepted is stored, whatever Wise converts it to.
    const big = await gql(`mutation { createQuote(input: { sourceCurrency: "GBP", targetCurrency: "JPY", sourceAmount: "999999999999" }) { __typename ... on QuoteCreated { quote { id targetAmount { amount } } } } }`);
    expect(big.errors).toBeUndefined();
    expect(big.data.createQuote.__typename).toBe('QuoteCreated');
  });

  it('a transfer cursor or id that is not one the gateway issued is a typed error, never a database error', async () => {
    await readyCustomer(gateway);
    const page = (after: string) => gql(`query P($after: String) { transfers(first: 5, after: $after) { edges { cursor } } }`, { after });
    const cursor = (text: string) => Buffer.from(text).toString('base64url');
    for (const bad of [
      cursor(JSON.stringify(['transfers', '2026-01-01T00:00:00.000Z', '-'.repeat(36)])),
      cursor(JSON.stringify(['transfers', '-271821-04-20T00:00:00.000Z', randomUUID()])),
      cursor(`transfer:2026-01-01T00:00:00.000Z:${randomUUID()}`),
    ]) {
      expect((await page(bad)).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    const dashes = '-'.repeat(36);
    expect((await gql(FUND_TRANSFER, { id: dashes })).errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await gql(CANCEL_TRANSFER, { id: dashes })).errors[0].extensions.code).toBe('NOT_FOUND');
    // A well-formed global id whose inside is no uuid: not found, the same answer.
    expect((await gql(FUND_TRANSFER, { id: globalId('Transfer', dashes) })).errors[0].extensions.code).toBe('NOT_FOUND');
  });
});

describe('a quote Wise already treats as expired', () => {
  it('is QuoteNotUsable with reason EXPIRED, so the frontend offers to requote', async () => {
    await readyCustomer(gateway);
    const q = await quote(gateway, 'cust-alice', '10');
    const recipientId = await euroRecipient(gateway, 'cust-alice', q.id);
    // Wise's clock says the quote expired; the gateway's copy does not know yet.
    gateway.simulator!.core.state.quotes[localId(q.id)].expirationTime = new Date(Date.now() - 1000).toISOString();
    const result = (await gql(CREATE_TRANSFER, { quoteId: q.id, recipientId, key: randomUUID() })).data.createTransfer;
    expect(result).toMatchObject({ __typename: 'QuoteNotUsable', reason: 'EXPIRED' });
    // Wise refused it: nothing was created there, so nothing is kept here (no PENDING row left).
    expect(await sql(gateway.databaseUrl, "select id from transfer where customer_id = 'cust-alice'")).toEqual([]);
  });
});
