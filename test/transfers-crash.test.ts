/**
 * The gateway dies between Wise's answer and its own commit — once while creating, once while
 * funding. Wise (the simulator) runs on its own here, so it outlives the gateway process.
 * Afterwards: one transfer at Wise, and the customer debited once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintCustomerToken } from '../src/http/auth.js';
import { defaultSimulatorOptions, startSimulator, type Simulator } from '../src/simulator/server.js';
import { createTestDatabase, sql } from './support/database.js';
import { TEST_JWT_SECRET } from './support/gateway.js';
import { CREATE_TRANSFER, FUND_TRANSFER, type Json } from './support/journey.js';
import { freePort } from './support/ports.js';
import { CREATE_WISE_ACCOUNT } from './support/wise.js';

let sim: Simulator;
let databaseUrl: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  sim = await startSimulator(defaultSimulatorOptions({ clientId: 'crash-client', clientSecret: 'crash-secret', webhookRetryBaseMs: 200 }));
  databaseUrl = await createTestDatabase('crash');
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await sim?.stop();
});

async function startGateway(): Promise<{ url: string; child: ChildProcess; gql: (q: string, v?: Record<string, unknown>) => Promise<Json> }> {
  const port = await freePort();
  sim.core.options.redirectUris.push(`http://127.0.0.1:${port}/oauth/callback`);
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: databaseUrl,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      SEED_DEMO_DATA: 'true',
      WISE_ENV: 'sandbox',
      WISE_API_URL: sim.url,
      WISE_AUTHORIZE_URL: `${sim.url}/oauth/authorize/`,
      WISE_CLIENT_ID: 'crash-client',
      WISE_CLIENT_SECRET: 'crash-secret',
      WISE_WEBHOOK_PUBLIC_KEY: sim.publicKeyPem.replace(/\n/g, '\\n'),
      WEBHOOK_SUBSCRIPTIONS_ENSURE: 'true',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`gateway exited:\n${output}`);
    if (await fetch(`${url}/readyz`).then((r) => r.ok).catch(() => false)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const token = await mintCustomerToken(TEST_JWT_SECRET, 'cust-alice');
  const gql = async (query: string, variables: Record<string, unknown> = {}) =>
    (await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) })).json();
  return { url, child, gql };
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const arm = (fault: object) => fetch(`${sim.url}/__simulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });

describe('a gateway stopped between the Wise call and its commit', () => {
  it('ends with one transfer at Wise and one debit, after a restart and a retry with the same key', async () => {
    let gateway = await startGateway();
    const account = (await gateway.gql(CREATE_WISE_ACCOUNT)).data.createWiseAccount;
    await fetch(`${sim.url}/__simulator/profiles/${account.profile.id}/verification`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verified: true }) });
    await expect.poll(async () => (await gateway.gql('{ onboardingStatus(refresh: true) { state } }')).data.onboardingStatus.state, { timeout: 10_000 }).toBe('READY');
    const quote = (await gateway.gql(`mutation { createQuote(input: { sourceCurrency: "GBP", targetCurrency: "EUR", sourceAmount: "250" }) { id } }`)).data.createQuote;
    const recipient = (
      await gateway.gql(`mutation R($q: ID!) { createRecipient(input: { quoteId: $q, type: "iban", accountHolderName: "Max Mustermann", values: [{ key: "legalType", value: "PRIVATE" }, { key: "IBAN", value: "DE89370400440532013000" }] }) { ... on RecipientCreated { recipient { id } } } }`, { q: quote.id })
    ).data.createRecipient.recipient;
    const variables = { quoteId: quote.id, recipientId: recipient.id, key: randomUUID() };

    // Creating: Wise creates the transfer, answers 4 s later; the gateway dies in between.
    await arm({ method: 'POST', path: '/v1/transfers', kind: 'delay_response', delayMs: 4000 });
    void gateway.gql(CREATE_TRANSFER, variables).catch(() => undefined);
    await expect.poll(() => Object.keys(sim.core.state.transfers).length, { timeout: 10_000 }).toBe(1);
    await kill(gateway.child);
    const [pending] = await sql<{ creation_state: string }>(databaseUrl, 'select creation_state from transfer');
    expect(pending.creation_state).toBe('PENDING');

    gateway = await startGateway();
    const created = (await gateway.gql(CREATE_TRANSFER, variables)).data.createTransfer;
    expect(created.__typename).toBe('TransferCreated');
    const wiseTransfers = Object.values(sim.core.state.transfers);
    expect(wiseTransfers).toHaveLength(1);
    expect(created.transfer.wiseTransferId).toBe(String(wiseTransfers[0].id));

    // Funding: the bank debits, Wise funds, the answer is late, the gateway dies again.
    await arm({ method: 'POST', path: '/v3/profiles/:profileId/transfers/:transferId/payments', kind: 'delay_response', delayMs: 4000 });
    void gateway.gql(FUND_TRANSFER, { id: created.transfer.id }).catch(() => undefined);
    await expect.poll(() => Object.values(sim.core.state.transfers)[0].funded, { timeout: 10_000 }).toBe(true);
    await kill(gateway.child);
    const [debited] = await sql<{ funding_state: string }>(databaseUrl, 'select funding_state from transfer');
    expect(debited.funding_state).toBe('DEBITED');

    gateway = await startGateway();
    const funded = (await gateway.gql(FUND_TRANSFER, { id: created.transfer.id })).data.fundTransfer;
    expect(funded).toMatchObject({ __typename: 'TransferFunded', transfer: { funding: 'FUNDED' } });
    const entries = await sql<{ amount: string }>(databaseUrl, "select amount from ledger_entry where customer_id = 'cust-alice'");
    expect(entries.map((e) => e.amount)).toEqual(['-250.00']);
    const [balance] = await sql<{ balance: string }>(databaseUrl, "select balance from bank_account where customer_id = 'cust-alice' and currency = 'GBP'");
    expect(balance.balance).toBe('4750.00');
    expect(Object.values(sim.core.state.transfers)).toHaveLength(1);
    await kill(gateway.child);
  }, 120_000);
});
