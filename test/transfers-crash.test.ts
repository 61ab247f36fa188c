/**
 * The gateway dies between Wise's answer and its own commit — once while creating, once while
 * funding. Wise (the simulator) runs on its own here, so it outlives the gateway process.
 * Afterwards: one transfer at Wise, and the customer debited once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSimulatorOptions, startSimulator, type Simulator } from '../src/simulator/server.js';
import { createTestDatabase, sql } from './support/database.js';
import { localId } from './support/ids.js';
import { CREATE_TRANSFER, FUND_TRANSFER } from './support/journey.js';
import { kill, startReplica, type Replica } from './support/replicas.js';
import { CREATE_WISE_ACCOUNT } from './support/wise.js';

let sim: Simulator;
let databaseUrl: string;
const replicas = new Set<Replica>();

beforeAll(async () => {
  sim = await startSimulator(defaultSimulatorOptions({ clientId: 'crash-client', clientSecret: 'crash-secret', webhookRetryBaseMs: 200 }));
  databaseUrl = await createTestDatabase('crash');
});
afterAll(async () => {
  for (const replica of replicas) await kill(replica.child);
  await sim?.stop();
});

async function startGateway() {
  const replica = await startReplica({ sim, databaseUrl, clientId: 'crash-client', clientSecret: 'crash-secret' });
  replicas.add(replica);
  return replica;
}

const arm = (fault: object) => fetch(`${sim.url}/__simulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });

describe('a gateway stopped between the Wise call and its commit', () => {
  it('ends with one transfer at Wise and one debit, after a restart and a retry with the same key', async () => {
    let gateway = await startGateway();
    const account = (await gateway.gql(CREATE_WISE_ACCOUNT)).data.createWiseAccount;
    await fetch(`${sim.url}/__simulator/profiles/${account.profile.wiseProfileId}/verification`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verified: true }) });
    await expect.poll(async () => (await gateway.gql('{ onboardingStatus(refresh: true) { state } }')).data.onboardingStatus.state, { timeout: 60_000 }).toBe('READY');
    const quote = (await gateway.gql(`mutation { createQuote(input: { sourceCurrency: "GBP", targetCurrency: "EUR", sourceAmount: "250" }) { ... on QuoteCreated { quote { id } } ... on QuoteInvalid { code message field } } }`)).data.createQuote.quote;
    const recipient = (
      await gateway.gql(`mutation R($q: ID!) { createRecipient(input: { quoteId: $q, type: "iban", accountHolderName: "Max Mustermann", values: [{ key: "legalType", value: "PRIVATE" }, { key: "IBAN", value: "DE89370400440532013000" }] }) { ... on RecipientCreated { recipient { id } } } }`, { q: quote.id })
    ).data.createRecipient.recipient;
    const variables = { quoteId: quote.id, recipientId: recipient.id, key: randomUUID() };

    // Creating: Wise creates the transfer, answers 4 s later; the gateway dies in between.
    await arm({ method: 'POST', path: '/v1/transfers', kind: 'delay_response', delayMs: 4000 });
    void gateway.gql(CREATE_TRANSFER, variables).catch(() => undefined);
    await expect.poll(() => Object.keys(sim.core.state.transfers).length, { timeout: 60_000 }).toBe(1);
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
    await expect.poll(() => Object.values(sim.core.state.transfers)[0].funded, { timeout: 60_000 }).toBe(true);
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
  }, 600_000);

  it('a gateway killed after the debit and before Wise funds, whose caller gives up: the restarted gateway funds it, once', async () => {
    let gateway = await startGateway();
    const quote = (await gateway.gql(`mutation { createQuote(input: { sourceCurrency: "GBP", targetCurrency: "EUR", sourceAmount: "30" }) { ... on QuoteCreated { quote { id } } ... on QuoteInvalid { code message field } } }`)).data.createQuote.quote;
    const recipient = (await gateway.gql('{ recipients(first: 1) { edges { node { id } } } }')).data.recipients.edges[0].node;
    const created = (await gateway.gql(CREATE_TRANSFER, { quoteId: quote.id, recipientId: recipient.id, key: randomUUID() })).data.createTransfer.transfer;
    const balanceBefore = Number((await sql<{ balance: string }>(databaseUrl, "select balance from bank_account where customer_id = 'cust-alice' and currency = 'GBP'"))[0].balance);

    // Wise never answers the funding; the gateway dies while it waits.
    await arm({ method: 'POST', path: '/v3/profiles/:profileId/transfers/:transferId/payments', kind: 'timeout', count: 10 });
    void gateway.gql(FUND_TRANSFER, { id: created.id }).catch(() => undefined);
    await expect.poll(async () => (await sql<{ funding_state: string }>(databaseUrl, 'select funding_state from transfer where id = $1', [localId(created.id)]))[0].funding_state, { timeout: 20_000 }).toBe('DEBITED');
    await kill(gateway.child);
    await fetch(`${sim.url}/__simulator/faults`, { method: 'DELETE' });
    const wiseTransfer = () => sim.core.state.transfers[Number(created.wiseTransferId)];
    expect(wiseTransfer().funded).toBe(false);

    // Nobody calls fundTransfer again: the restarted gateway's sweep settles it by itself.
    gateway = await startGateway();
    await expect
      .poll(async () => (await sql<{ funding_state: string }>(databaseUrl, 'select funding_state from transfer where id = $1', [localId(created.id)]))[0].funding_state, { timeout: 150_000, interval: 500 })
      .toBe('FUNDED');
    expect(wiseTransfer().funded).toBe(true);
    const balanceAfter = Number((await sql<{ balance: string }>(databaseUrl, "select balance from bank_account where customer_id = 'cust-alice' and currency = 'GBP'"))[0].balance);
    expect(balanceBefore - balanceAfter).toBe(30);
    await kill(gateway.child);
  }, 600_000);
});
