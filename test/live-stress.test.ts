/**
 * The stress test of live state: two gateway processes on one database, both receiving Wise's
 * webhooks (each event twice, once per replica); 20 transfers of two customers driven through
 * five states in quick succession; subscribers on both replicas, one of which disconnects
 * midway and resumes — on the other replica — with its last sequence. Every subscriber gets
 * every state of its own transfers exactly once, in Wise's order, matching `history`, and
 * nothing about the other customer.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintCustomerToken } from '../src/http/auth.js';
import { defaultSimulatorOptions, startSimulator, type Simulator } from '../src/simulator/server.js';
import { createTestDatabase, sql } from './support/database.js';
import { TEST_JWT_SECRET } from './support/gateway.js';
import { CREATE_TRANSFER, FUND_TRANSFER, TRANSFER, type Json } from './support/journey.js';
import { startReplica } from './support/replicas.js';
import { subscribe, type Subscriber } from './support/subscriptions.js';
import { CREATE_WISE_ACCOUNT } from './support/wise.js';

const CUSTOMERS = ['cust-alice', 'cust-bob'];
const TRANSFERS_PER_CUSTOMER = Number(process.env.STRESS_TRANSFERS_PER_CUSTOMER ?? 10);
const DRIVEN = ['funds_converted', 'outgoing_payment_sent', 'bounced_back', 'funds_refunded'];
const EXPECTED = ['INCOMING_PAYMENT_WAITING', 'PROCESSING', 'FUNDS_CONVERTED', 'OUTGOING_PAYMENT_SENT', 'BOUNCED_BACK', 'FUNDS_REFUNDED'];
const LIVE = 'subscription Live($after: String) { transferStatusChanged(after: $after) { sequence transferId status } }';

let sim: Simulator;
let databaseUrl: string;
const children = new Set<ChildProcess>();
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  sim = await startSimulator(defaultSimulatorOptions({ clientId: 'stress-client', clientSecret: 'stress-secret', clientKey: 'stress-client', webhookRetryBaseMs: 200 }));
  databaseUrl = await createTestDatabase('stress');
});
afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => undefined);
  for (const child of children) child.kill('SIGKILL');
  await sim?.stop();
});

type Replica = { url: string; gql: (customerId: string, query: string, variables?: Record<string, unknown>) => Promise<Json> };

async function replica(): Promise<Replica> {
  const started = await startReplica({ sim, databaseUrl, clientId: 'stress-client', clientSecret: 'stress-secret', env: { ONBOARDING_MODEL: 'partner_kyc' } });
  children.add(started.child);
  return { url: started.url, gql: (customerId, query, variables = {}) => started.gql(query, variables, customerId) };
}

async function listen(at: Replica, customerId: string, after?: string): Promise<Subscriber> {
  const s = await subscribe(at.url, await mintCustomerToken(TEST_JWT_SECRET, customerId), LIVE, after === undefined ? {} : { after });
  closers.push(() => s.close());
  return s;
}

async function ready(at: Replica, customerId: string): Promise<void> {
  const account = (await at.gql(customerId, CREATE_WISE_ACCOUNT)).data.createWiseAccount;
  expect(account.__typename).toBe('WiseAccountCreated');
  await fetch(`${sim.url}/__simulator/profiles/${account.profile.wiseProfileId}/verification`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verified: true }) });
  await expect.poll(async () => (await at.gql(customerId, '{ onboardingStatus(refresh: true) { state } }')).data.onboardingStatus.state, { timeout: 15_000 }).toBe('READY');
}

async function fundedTransfer(at: Replica, customerId: string, recipientId: string): Promise<{ id: string; wiseTransferId: string }> {
  const quote = (await at.gql(customerId, `mutation { createQuote(input: { sourceCurrency: "GBP", targetCurrency: "EUR", sourceAmount: "10" }) { ... on QuoteCreated { quote { id } } ... on QuoteInvalid { code message field } } }`)).data.createQuote.quote;
  const created = (await at.gql(customerId, CREATE_TRANSFER, { quoteId: quote.id, recipientId, key: randomUUID(), details: [{ key: 'reference', value: 'stress' }] })).data.createTransfer;
  expect(created.__typename).toBe('TransferCreated');
  const funded = (await at.gql(customerId, FUND_TRANSFER, { id: created.transfer.id })).data.fundTransfer;
  expect(funded.__typename).toBe('TransferFunded');
  return created.transfer;
}

/** Collects a subscriber's pushes per transfer until it has `total` of them. */
async function collect(s: Subscriber, into: Json[], total: number): Promise<void> {
  while (into.length < total) into.push((await s.next(60_000)).transferStatusChanged);
}

describe('two replicas, twenty transfers, five quick states each', () => {
  it('delivers every state of every transfer to its own customer once, in order, across a resume on the other replica', async () => {
    const a = await replica();
    const b = await replica();
    for (const customerId of CUSTOMERS) await ready(customerId === 'cust-alice' ? a : b, customerId);
    const recipients: Record<string, string> = {};
    for (const customerId of CUSTOMERS) {
      const quote = (await a.gql(customerId, `mutation { createQuote(input: { sourceCurrency: "GBP", targetCurrency: "EUR", sourceAmount: "10" }) { ... on QuoteCreated { quote { id } } ... on QuoteInvalid { code message field } } }`)).data.createQuote.quote;
      const created = await a.gql(customerId, `mutation R($q: ID!) { createRecipient(input: { quoteId: $q, type: "iban", accountHolderName: "Max Mustermann", values: [{ key: "legalType", value: "PRIVATE" }, { key: "IBAN", value: "DE89370400440532013000" }] }) { ... on RecipientCreated { recipient { id } } } }`, { q: quote.id });
      recipients[customerId] = created.data.createRecipient.recipient.id;
    }

    // Subscribers on both replicas for each customer, before anything moves.
    const perCustomer = TRANSFERS_PER_CUSTOMER * EXPECTED.length;
    const subscribers = CUSTOMERS.flatMap((customerId) => [a, b].map((at) => ({ customerId, at, pushes: [] as Json[] })));
    const streams = await Promise.all(subscribers.map((s) => listen(s.at, s.customerId)));
    // Alice's subscriber on B will leave midway and come back on A with its last sequence.
    const leaving = 1;
    const others = subscribers.map((s, i) => (i === leaving ? Promise.resolve() : collect(streams[i], s.pushes, perCustomer)));
    const resumed = (async () => {
      const s = subscribers[leaving];
      await collect(streams[leaving], s.pushes, Math.floor(perCustomer / 3));
      await streams[leaving].close();
      // Away while more happens.
      const before = s.pushes.length;
      await expect.poll(async () => (await a.gql('cust-alice', '{ transfers(first: 100) { edges { node { history { status } } } } }')).data.transfers.edges.reduce((n: number, e: Json) => n + e.node.history.length, 0), { timeout: 60_000 }).toBeGreaterThan(before + Math.min(10, (perCustomer - before) / 2));
      const again = await listen(a, s.customerId, s.pushes.at(-1).sequence);
      await collect(again, s.pushes, perCustomer);
    })();

    // Twenty transfers, created and funded on either replica, then moved one call after another.
    const transfers = await Promise.all(
      CUSTOMERS.flatMap((customerId) => Array.from({ length: TRANSFERS_PER_CUSTOMER }, (_, i) => fundedTransfer(i % 2 ? a : b, customerId, recipients[customerId]).then((t) => ({ ...t, customerId })))),
    );
    await Promise.all(
      transfers.map(async (t) => {
        for (const state of DRIVEN) {
          const response = await fetch(`${sim.url}/__simulator/transfers/${t.wiseTransferId}/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state }) });
          expect(response.status).toBe(200);
        }
      }),
    );
    try {
      await Promise.all([...others, resumed]);
    } catch (error) {
      const summary = subscribers.map((s) => ({
        customer: s.customerId,
        at: s.at === a ? 'A' : 'B',
        count: s.pushes.length,
        byTransfer: Object.fromEntries(transfers.filter((t) => t.customerId === s.customerId).map((t) => [t.wiseTransferId, s.pushes.filter((p) => p.transferId === t.id).map((p) => `${p.sequence}:${p.status}`).join(' ')])),
      }));
      const log = await sql(databaseUrl, `select customer_id, sequence, payload->>'transferId' as transfer, payload->>'state' as state from customer_event order by customer_id, sequence`);
      const history = await sql(databaseUrl, `select t.wise_transfer_id, e.state, e.occurred_at, e.position, e.held, e.previous_state, e.source from transfer_event e join transfer t on t.id = e.transfer_id order by t.wise_transfer_id, e.id`);
      const deliveries = ((await (await fetch(`${sim.url}/__simulator/webhooks/deliveries`)).json()) as Json[]).map((d) => `${d.url} ${d.status} ${JSON.stringify(d.attempts.map((a: Json) => a.status ?? a.error))} ${JSON.stringify(d.body).slice(0, 160)}`);
      throw new Error(`${(error as Error).message}\ndeliveries: ${deliveries.slice(0, 40).join('\n')}\n${JSON.stringify(summary, null, 1)}\nlog: ${JSON.stringify(log)}\nhistory: ${JSON.stringify(history)}`, { cause: error });
    }

    for (const s of subscribers) {
      const own = new Set(transfers.filter((t) => t.customerId === s.customerId).map((t) => t.id));
      expect(s.pushes.every((p) => own.has(p.transferId))).toBe(true);
      const sequences = s.pushes.map((p) => Number(p.sequence));
      expect(new Set(sequences).size).toBe(sequences.length);
      expect(sequences).toEqual([...sequences].sort((x, y) => x - y));
      for (const id of own) expect(s.pushes.filter((p) => p.transferId === id).map((p) => p.status)).toEqual(EXPECTED);
    }
    for (const t of transfers) {
      const read = (await b.gql(t.customerId, TRANSFER, { id: t.id })).data.transfer;
      expect(read.history.map((h: Json) => h.status)).toEqual(EXPECTED);
      expect(read).toMatchObject({ status: 'FUNDS_REFUNDED', refunded: true });
    }
    // Nothing more arrives: no state twice.
    await expect(streams[0].next(1500)).rejects.toThrow(/no message/);
  }, 300_000);
});
