/**
 * The transfer page is kept in memory per customer and served again only while it is exactly
 * current (src/http/response-cache.ts): a repeat costs one SQL statement, and any write to what
 * the page shows — a webhook, another process's SQL, a quote's expiry by the clock — is on the
 * very next read, never a moment later.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintCustomerToken } from '../src/http/auth.js';
import { startTestGateway, TEST_JWT_SECRET, type TestGateway } from './support/gateway.js';
import { localId } from './support/ids.js';
import { client, CREATE_TRANSFER, euroRecipient, FUND_TRANSFER, quote, readyCustomer, simulateState, type Json } from './support/journey.js';

const PAGE = `query Page($first: Int!) { transfers(first: $first) { edges { node { id status wiseStatus history { status }
  quote { id status expired rate } recipient { id accountHolderName } } } pageInfo { hasNextPage endCursor } } }`;

let gateway: TestGateway;
let db: pg.Client;
let transferId: string;
let wiseTransferId: string;

/** The page as the customer's app reads it, with what it cost (X-Gateway-Cost). */
async function page(customerId: string, first = 10, at = gateway): Promise<{ transfers: Json; sqlStatements: number; wiseCalls: number; answeredFromMemory: boolean }> {
  const response = await fetch(`${at.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await mintCustomerToken(TEST_JWT_SECRET, customerId)}`, 'x-gateway-cost': '1' },
    body: JSON.stringify({ query: PAGE, variables: { first } }),
  });
  const body = await response.json();
  expect(body.errors).toBeUndefined();
  return { transfers: body.data.transfers, ...body.extensions.cost };
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  // A condition, not a clock: a loaded machine takes longer, never fails sooner.
  for (let attempt = 0; attempt < 600; attempt++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never: ${what}`);
}

const node = (p: { transfers: Json }) => p.transfers.edges.find((e: Json) => e.node.id === transferId).node;

beforeAll(async () => {
  gateway = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc' });
  db = new pg.Client({ connectionString: gateway.databaseUrl });
  await db.connect();
  await readyCustomer(gateway, 'cust-alice');
  const q = await quote(gateway, 'cust-alice', '50');
  const recipientId = await euroRecipient(gateway, 'cust-alice', q.id);
  const created = await client(gateway, 'cust-alice')(CREATE_TRANSFER, { quoteId: (await quote(gateway, 'cust-alice', '40')).id, recipientId, key: randomUUID(), details: [{ key: 'reference', value: 'rent' }] });
  transferId = created.data.createTransfer.transfer.id;
  wiseTransferId = created.data.createTransfer.transfer.wiseTransferId;
  const funded = await client(gateway, 'cust-alice')(FUND_TRANSFER, { id: transferId });
  expect(funded.data.fundTransfer.__typename).toBe('TransferFunded');
}, 300_000);
afterAll(async () => {
  await db?.end();
  await gateway?.stop();
});

describe('the transfer page kept in memory', () => {
  it('costs one SQL statement and no Wise call when read again unchanged, and is the same page', async () => {
    const first = await page('cust-alice');
    const again = await page('cust-alice');
    expect(first.answeredFromMemory).toBe(false);
    expect(again.answeredFromMemory).toBe(true);
    expect(again.transfers).toEqual(first.transfers);
    expect(again.sqlStatements).toBe(1);
    expect(again.wiseCalls).toBe(0);
    // Other arguments are another answer, read from the rows.
    const smaller = await page('cust-alice', 1);
    expect(smaller.transfers.edges).toHaveLength(1);
    expect(smaller.answeredFromMemory).toBe(false);
  });

  it("is never another customer's page, even at the same version", async () => {
    // Bob gets a transfer of his own (a copy of one of Alice's rows), and both customers the
    // same version: only the customer in the key keeps Alice's kept page from Bob.
    await db.query(
      `insert into transfer (id, customer_id, profile_id, idempotency_key, request_hash, customer_transaction_id, quote_id, recipient_id, wise_transfer_id, creation_state, status, funding_state,
                             source_currency, source_amount, target_currency, target_amount, rate, fee, details, reference, created_at)
       select gen_random_uuid(), 'cust-bob', profile_id, 'bob-copy', 'h', gen_random_uuid(), quote_id, recipient_id, 99000001, 'CREATED', 'processing', 'FUNDED',
              source_currency, source_amount, target_currency, target_amount, rate, fee, details, 'bob', now()
       from transfer where id = $1`,
      [localId(transferId)],
    );
    await db.query(`update customer_read_version set version = 1000 where customer_id in ('cust-alice', 'cust-bob')`);
    const alice = await page('cust-alice');
    expect((await page('cust-alice')).answeredFromMemory).toBe(true);
    const bob = await page('cust-bob');
    expect(bob.answeredFromMemory).toBe(false);
    expect(bob.transfers.edges).toHaveLength(1);
    expect(bob.transfers.edges[0].node.id).not.toBe(transferId);
    expect(alice.transfers.edges.map((e: Json) => e.node.id)).toContain(transferId);
  });

  it('shows a state Wise announced on the very next read after it is stored', async () => {
    const before = node(await page('cust-alice'));
    expect((await page('cust-alice')).answeredFromMemory).toBe(true);
    for (const state of ['processing', 'funds_converted', 'outgoing_payment_sent']) await simulateState(gateway, 'cust-alice', wiseTransferId, state);
    // Wait for the webhook's write in the database itself, not through the page.
    await until('the webhook applied', async () => (await db.query('select status from transfer where id = $1', [localId(transferId)])).rows[0].status, (s) => s === 'outgoing_payment_sent');
    const after = node(await page('cust-alice'));
    expect(before.wiseStatus).not.toBe('outgoing_payment_sent');
    expect(after.wiseStatus).toBe('outgoing_payment_sent');
    expect(after.history.map((h: Json) => h.status)).toContain(after.status);
  });

  it("sees another process's writes at once: the recipient, the history, the transfer", async () => {
    const row = localId(transferId);
    await page('cust-alice');
    expect((await page('cust-alice')).answeredFromMemory).toBe(true);

    await db.query(`update recipient set account_holder_name = 'Erika Mustermann' where id = (select recipient_id from transfer where id = $1)`, [row]);
    expect(node(await page('cust-alice')).recipient.accountHolderName).toBe('Erika Mustermann');

    const historyBefore = node(await page('cust-alice')).history.length;
    await db.query(`insert into transfer_event (transfer_id, state, occurred_at, source) values ($1, 'funds_converted', now(), 'test')`, [row]);
    expect(node(await page('cust-alice')).history.length).toBe(historyBefore + 1);

    // A transaction that rolls back changes nothing, and the page is kept.
    await page('cust-alice');
    await db.query('begin');
    await db.query(`update transfer set reference = 'never' where id = $1`, [row]);
    await db.query('rollback');
    expect((await page('cust-alice')).answeredFromMemory).toBe(true);
  });

  it("ends when a pending quote on the page expires, with no write at all", async () => {
    const row = localId(transferId);
    await db.query(`update quote set status = 'PENDING', expires_at = now() + interval '8 seconds' where id = (select quote_id from transfer where id = $1)`, [row]);
    const fresh = node(await page('cust-alice'));
    expect(fresh.quote.expired).toBe(false);
    const kept = await page('cust-alice');
    expect(kept.answeredFromMemory).toBe(true);
    expect(node(kept).quote.expired).toBe(false);
    const expired = await until('the quote shows as expired', async () => node(await page('cust-alice')).quote, (q) => q.expired);
    expect(expired.status).toBe('EXPIRED');
  });

  it('keeps no answer a part of which was read without a version: an empty page beside a full one', async () => {
    const both = `query Two { none: transfers(first: 5, status: [CANCELLED]) { edges { node { id } } } all: transfers(first: 5) { edges { node { id } } } }`;
    const read = async () => {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await mintCustomerToken(TEST_JWT_SECRET, 'cust-alice')}`, 'x-gateway-cost': '1' },
        body: JSON.stringify({ query: both }),
      });
      return response.json();
    };
    const first = await read();
    expect(first.data.none.edges).toEqual([]);
    expect(first.data.all.edges.length).toBeGreaterThan(0);
    expect((await read()).extensions.cost.answeredFromMemory).toBe(false);
  });
});

describe('the transfer page kept in memory, with the rate limits off', () => {
  it('reads the version itself, as the counters do not: a repeat costs one statement, and a write shows at once', async () => {
    const off = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0', RATE_LIMIT_PER_CUSTOMER_PER_MINUTE: '0' });
    const sqlOff = new pg.Client({ connectionString: off.databaseUrl });
    await sqlOff.connect();
    try {
      await readyCustomer(off, 'cust-alice');
      const q = await quote(off, 'cust-alice', '30');
      const recipientId = await euroRecipient(off, 'cust-alice', q.id);
      const created = await client(off, 'cust-alice')(CREATE_TRANSFER, { quoteId: q.id, recipientId, key: randomUUID(), details: [{ key: 'reference', value: 'gift' }] });
      const id = created.data.createTransfer.transfer.id;
      await page('cust-alice', 10, off);
      const again = await page('cust-alice', 10, off);
      expect(again.answeredFromMemory).toBe(true);
      expect(again.sqlStatements).toBe(1);
      await sqlOff.query(`update transfer set reference = 'birthday' where id = $1`, [localId(id)]);
      const changed = await page('cust-alice', 10, off);
      expect(changed.answeredFromMemory).toBe(false);
      expect(changed.transfers.edges[0].node.id).toBe(id);
      expect((await sqlOff.query("select count(*)::int as n from rate_limit_counter where key not like 'wise:%'")).rows[0].n).toBe(0);
    } finally {
      await sqlOff.end();
      await off.stop();
    }
  }, 120_000);
});
