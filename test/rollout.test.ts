/**
 * Rollout controls: a pilot group of customers and an allowlist of currency routes, changed at
 * run time with `npm run rollout` and holding on every replica at once, without a restart.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process.js';
import { CREATE_TRANSFER, euroRecipient, quote, readyCustomer } from './support/journey.js';
import { CREATE_WISE_ACCOUNT } from './support/wise.js';

const AVAILABILITY = '{ onboardingStatus { state availability { offered reason routes { sourceCurrency targetCurrency } } } }';
const CREATE_QUOTE = 'mutation Q($input: CreateQuoteInput!) { createQuote(input: $input) { __typename ... on QuoteCreated { quote { id } } } }';

describe('rollout controls', () => {
  let gateway: TestGateway;
  let replica: GatewayProcess;

  /** The bank's operator, as in the README: npm run rollout -- … */
  function rollout(...args: string[]) {
    const { PATH, HOME, TMPDIR } = process.env;
    const result = spawnSync(process.execPath, ['--import', '@swc-node/register/esm-register', 'scripts/rollout.ts', ...args], {
      env: { PATH, HOME, TMPDIR, NODE_ENV: 'test', DATABASE_URL: gateway.databaseUrl },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  }

  /** The same request on both replicas. */
  async function onBoth(query: string, customerId: string, variables: Record<string, unknown> = {}) {
    const token = await gateway.token(customerId);
    const ask = async (url: string) =>
      (await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) })).json();
    return Promise.all([ask(gateway.url), ask(replica.url)]);
  }

  beforeAll(async () => {
    gateway = await startTestGateway();
    // The second replica talks to the same (simulated) Wise as the first.
    replica = await startGatewayProcess(gateway.databaseUrl, {
      WISE_API_URL: gateway.wise.apiUrl!,
      WISE_AUTHORIZE_URL: gateway.wise.authorizeUrl!,
      WISE_WEBHOOK_PUBLIC_KEY: gateway.wise.webhookPublicKeyPem!.replace(/\n/g, '\\n'),
      WEBHOOK_SUBSCRIPTIONS_ENSURE: 'false',
    });
  }, 600_000); // a second process starts here: minutes on a loaded machine
  afterAll(async () => {
    await replica?.stop();
    await gateway?.stop();
  });

  it('offers Wise to everyone on every route until the bank narrows it', async () => {
    const [{ data }] = await onBoth(AVAILABILITY, 'cust-bob');
    expect(data.onboardingStatus.availability).toEqual({ offered: true, reason: null, routes: null });
  });

  it('refuses a customer outside the pilot group with NOT_OFFERED on every replica, and lets them in once added, without a restart', async () => {
    expect(rollout('customers', 'pilot')).toMatchObject({ customers: 'PILOT', pilotCustomers: [] });
    rollout('pilot', 'add', 'cust-alice');

    for (const answer of await onBoth(AVAILABILITY, 'cust-bob')) {
      expect(answer.data.onboardingStatus.availability).toEqual({ offered: false, reason: 'CUSTOMER_NOT_IN_PILOT', routes: [] });
    }
    for (const answer of await onBoth(CREATE_WISE_ACCOUNT, 'cust-bob')) {
      expect(answer.errors[0].extensions).toMatchObject({ code: 'NOT_OFFERED', reason: 'CUSTOMER_NOT_IN_PILOT' });
    }
    const [alice] = await onBoth(AVAILABILITY, 'cust-alice');
    expect(alice.data.onboardingStatus.availability.offered).toBe(true);

    rollout('pilot', 'add', 'cust-bob');
    const [first, second] = await onBoth(AVAILABILITY, 'cust-bob');
    expect(first.data.onboardingStatus.availability.offered).toBe(true);
    expect(second.data.onboardingStatus.availability.offered).toBe(true);
  }, 90_000);

  it('refuses a route outside the allowlist in quotes, recipients and transfers, lists the allowed routes, and widens at run time', async () => {
    rollout('customers', 'everyone');
    await readyCustomer(gateway, 'cust-alice');
    const euroQuote = await quote(gateway, 'cust-alice', '100', 'EUR', 'GBP');
    const recipientId = await euroRecipient(gateway, 'cust-alice', euroQuote.id);

    rollout('routes', 'listed');
    expect(rollout('route', 'add', 'GBP', 'USD')).toMatchObject({ routes: 'LISTED', listedRoutes: [{ sourceCurrency: 'GBP', targetCurrency: 'USD' }] });
    const listed = [{ sourceCurrency: 'GBP', targetCurrency: 'USD' }];

    const [status] = await onBoth(AVAILABILITY, 'cust-alice');
    expect(status.data.onboardingStatus.availability).toEqual({ offered: true, reason: null, routes: listed });

    for (const answer of await onBoth(CREATE_QUOTE, 'cust-alice', { input: { sourceCurrency: 'GBP', targetCurrency: 'EUR', sourceAmount: '100' } })) {
      expect(answer.errors[0].extensions).toEqual({ code: 'NOT_OFFERED', reason: 'ROUTE_NOT_OFFERED', routes: listed });
    }
    const [recipientForm] = await onBoth('{ recipientForm(currency: "EUR") { options { type } } }', 'cust-alice');
    expect(recipientForm.errors[0].extensions.code).toBe('NOT_OFFERED');
    const transfer = { quoteId: euroQuote.id, recipientId, key: 'rollout-transfer-0001', details: [{ key: 'reference', value: 'rent' }] };
    const [refusedTransfer] = await onBoth(CREATE_TRANSFER, 'cust-alice', transfer);
    expect(refusedTransfer.errors[0].extensions).toMatchObject({ code: 'NOT_OFFERED', reason: 'ROUTE_NOT_OFFERED' });
    // The allowed route still quotes.
    const [usd] = await onBoth(CREATE_QUOTE, 'cust-alice', { input: { sourceCurrency: 'GBP', targetCurrency: 'USD', sourceAmount: '100' } });
    expect(usd.errors).toBeUndefined();

    rollout('route', 'add', 'GBP', 'EUR');
    const [, fromReplica] = await onBoth(CREATE_QUOTE, 'cust-alice', { input: { sourceCurrency: 'GBP', targetCurrency: 'EUR', sourceAmount: '100' } });
    expect(fromReplica.errors).toBeUndefined();
    const created = (await gateway.graphql(CREATE_TRANSFER, { customerId: 'cust-alice', variables: transfer })).body;
    expect(created.errors).toBeUndefined();
    expect(created.data.createTransfer.__typename).toBe('TransferCreated');
  }, 120_000);
});
