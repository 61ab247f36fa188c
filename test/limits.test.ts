/**
 * Abuse limits: per-document limits, the request body size, the budget of Wise calls per
 * request and per customer, rate limits shared by replicas, and WebSocket caps. Each refusal
 * carries its code, leaves the process serving, and an ordinary request is not affected.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from './support/database.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { startGatewayProcess } from './support/gateway-process.js';
import { readyCustomer } from './support/journey.js';
import { subscribe } from './support/subscriptions.js';

const VIEWER = '{ viewer { bankCustomerId } }';

async function stillServes(gateway: TestGateway, customerId = 'cust-carol') {
  const { status, body } = await gateway.graphql(VIEWER, { customerId });
  expect(status).toBe(200);
  expect(body.data?.viewer.bankCustomerId).toBe(customerId);
}

describe('limits on a GraphQL document', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  }, 60_000);
  afterAll(() => gateway?.stop());

  it('refuses 500 aliases before anything runs, with QUERY_TOO_COMPLEX', async () => {
    const aliases = Array.from({ length: 500 }, (_, i) => `a${i}: viewer { bankCustomerId }`).join(' ');
    const { status, body } = await gateway.graphql(`{ ${aliases} }`);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
    await stillServes(gateway);
  });

  it('refuses more aliases than GRAPHQL_MAX_ALIASES (15), naming the limit', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: viewer { bankCustomerId }`).join(' ');
    const { status, body } = await gateway.graphql(`{ ${aliases} }`);
    expect(status).toBe(400);
    expect(body.errors).toEqual([expect.objectContaining({ message: 'Aliases limit of 15 exceeded, found 16.', extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'maxAliases' } })]);
    const fifteen = Array.from({ length: 15 }, (_, i) => `a${i}: viewer { bankCustomerId }`).join(' ');
    expect((await gateway.graphql(`{ ${fifteen} }`)).body.errors).toBeUndefined();
  });

  it('refuses a document deeper than GRAPHQL_MAX_DEPTH (12)', async () => {
    const deep = `{ __type(name: "Query") { fields { type { ${'ofType { '.repeat(10)}name${' }'.repeat(10)} } } } }`;
    const { status, body } = await gateway.graphql(deep);
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'maxDepth' });
    await stillServes(gateway);
  });

  it('refuses a document of more than GRAPHQL_MAX_TOKENS (2000) tokens', async () => {
    const { status, body } = await gateway.graphql(`{ viewer { ${'id '.repeat(2100)}} }`);
    expect(status).toBe(400);
    expect(body.errors?.[0].message).toMatch(/Document contains more th(an|at) 2000 tokens/);
    expect(body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxTokens' });
    await stillServes(gateway);
  });

  it('refuses a request body over HTTP_BODY_LIMIT_BYTES with 413 and REQUEST_TOO_LARGE', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await gateway.token('cust-alice')}` },
      body: JSON.stringify({ query: VIEWER, variables: { padding: 'x'.repeat(200_000) } }),
    });
    expect(response.status).toBe(413);
    expect((await response.json()).errors[0].extensions).toEqual({ code: 'REQUEST_TOO_LARGE' });
    await stillServes(gateway);
  });
});

describe('limits on a GraphQL document: cost', () => {
  it('refuses a document over GRAPHQL_MAX_COST, and runs one under it', async () => {
    const gateway = await startTestGateway({ GRAPHQL_MAX_COST: '10' });
    try {
      const { status, body } = await gateway.graphql('{ viewer { bankCustomerId email givenName familyName } transfers { edges { node { id status } } } }');
      expect(status).toBe(400);
      expect(body.errors?.[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost' });
      await stillServes(gateway);
    } finally {
      await gateway.stop();
    }
  }, 60_000);
});

describe('the budget of Wise calls', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ WISE_CALLS_PER_REQUEST: '5', WISE_CALLS_PER_CUSTOMER_PER_MINUTE: '60' });
    await readyCustomer(gateway, 'cust-alice');
  }, 90_000);
  afterAll(() => gateway?.stop());

  it('stops one request at WISE_CALLS_PER_REQUEST calls to Wise; the others in it get RATE_LIMITED', async () => {
    const aliases = Array.from({ length: 8 }, (_, i) => `s${i}: onboardingStatus(refresh: true) { state }`).join(' ');
    const { body } = await gateway.graphql(`{ ${aliases} }`, { customerId: 'cust-alice' });
    const refused = (body.errors ?? []).filter((e) => e.extensions?.code === 'RATE_LIMITED');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'wiseCallsPerRequest' });
    // The next request has a budget of its own.
    const { body: next } = await gateway.graphql('{ onboardingStatus(refresh: true) { state } }', { customerId: 'cust-alice' });
    expect(next.errors).toBeUndefined();
    expect(next.data.onboardingStatus.state).toBe('READY');
  });

  it("stops one customer at WISE_CALLS_PER_CUSTOMER_PER_MINUTE, with Retry-After seconds; the gateway's copy and other customers still answer", async () => {
    let refusal: { extensions?: Record<string, any> } | undefined;
    for (let i = 0; i < 80 && !refusal; i++) {
      const { body } = await gateway.graphql('{ onboardingStatus(refresh: true) { state } }', { customerId: 'cust-alice' });
      refusal = body.errors?.find((e) => e.extensions?.code === 'RATE_LIMITED');
    }
    expect(refusal?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'wiseCallsPerCustomer', retryAfterSeconds: expect.any(Number) });
    // Reads the gateway answers from its own copy make no call to Wise.
    const { body: cached } = await gateway.graphql('{ onboardingStatus { state } profiles { id } }', { customerId: 'cust-alice' });
    expect(cached.errors).toBeUndefined();
    expect(cached.data.onboardingStatus.state).toBe('READY');
    await stillServes(gateway, 'cust-bob');
  });
});

describe('rate limits shared by replicas', () => {
  it('counts one customer across two gateway processes on one database: 429 with Retry-After and RATE_LIMITED', async () => {
    const limits = { RATE_LIMIT_PER_CUSTOMER_PER_MINUTE: '6' };
    const first = await startTestGateway(limits);
    const second = await startGatewayProcess(first.databaseUrl, limits);
    try {
      const token = await first.token('cust-alice');
      const ask = (url: string, bearer = token) =>
        fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query: VIEWER }) });
      for (const url of [first.url, second.url, first.url, second.url, first.url, second.url]) {
        expect((await ask(url)).status).toBe(200);
      }
      for (const url of [first.url, second.url]) {
        const refused = await ask(url);
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
        expect((await refused.json()).errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'requestsPerCustomer' });
      }
      // Another customer, on either replica, is served.
      expect((await ask(second.url, await first.token('cust-bob'))).status).toBe(200);
      await stillServes(first, 'cust-bob');
    } finally {
      await second.stop();
      await first.stop();
    }
  }, 600_000); // a second process starts here: minutes on a loaded machine

  it('counts each request against its address and its customer in one write', async () => {
    const gateway = await startTestGateway({ RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000', RATE_LIMIT_PER_CUSTOMER_PER_MINUTE: '1000' });
    try {
      for (let i = 0; i < 3; i++) expect((await gateway.graphql(VIEWER)).status).toBe(200);
      const counters = await sql<{ key: string; points: number; writer: string }>(
        gateway.databaseUrl,
        "select key, points, xmin::text as writer from rate_limit_counter where key like 'address:%' or key like 'customer:%' order by key",
      );
      expect(counters.map((c) => c.key.split(':')[0])).toEqual(['address', 'customer']);
      expect(counters.map((c) => c.points)).toEqual([3, 3]);
      // The transaction that last wrote each row: the same one, so one statement (two, before).
      expect(counters[0].writer).toBe(counters[1].writer);
    } finally {
      await gateway.stop();
    }
  }, 60_000);

  it('counts requests per client address before authentication', async () => {
    const gateway = await startTestGateway({ RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await gateway.graphql(VIEWER, { token: 'not-a-token' })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect((await gateway.graphql(VIEWER)).status).toBe(429);
      // Health checks are not GraphQL and not counted.
      expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    } finally {
      await gateway.stop();
    }
  }, 60_000);
});

describe('WebSocket caps', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ WS_CONNECTIONS_PER_CUSTOMER: '2', WS_SUBSCRIPTIONS_PER_CONNECTION: '2' });
  }, 60_000);
  afterAll(() => gateway?.stop());

  const STATUS = 'subscription { onboardingStatusChanged { state } }';

  async function connect(customerId: string): Promise<{ code?: number; client: ReturnType<typeof createClient> }> {
    const client = createClient({
      url: `${gateway.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${await gateway.token(customerId)}` },
      retryAttempts: 0,
      lazy: false,
    });
    return new Promise((resolve) => {
      client.on('connected', () => resolve({ client }));
      client.on('closed', (event) => resolve({ code: (event as { code?: number }).code, client }));
    });
  }

  it('closes a connection beyond WS_CONNECTIONS_PER_CUSTOMER with 4429; another customer, and a freed slot, connect', async () => {
    const a = await connect('cust-alice');
    const b = await connect('cust-alice');
    expect([a.code, b.code]).toEqual([undefined, undefined]);
    const c = await connect('cust-alice');
    expect(c.code).toBe(4429);
    const bob = await connect('cust-bob');
    expect(bob.code).toBeUndefined();
    await a.client.dispose();
    // The server counts the closed one down once it sees the close.
    let again: Awaited<ReturnType<typeof connect>> | undefined;
    for (let i = 0; i < 50; i++) {
      again = await connect('cust-alice');
      if (again.code === undefined) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(again?.code).toBeUndefined();
    await Promise.all([b.client.dispose(), bob.client.dispose(), again?.client.dispose()]);
    await stillServes(gateway);
  });

  it('refuses a subscription beyond WS_SUBSCRIPTIONS_PER_CONNECTION with RATE_LIMITED; the others keep delivering', async () => {
    const { client } = await connect('cust-carol');
    const errors: unknown[] = [];
    const delivered: [unknown[], unknown[], unknown[]] = [[], [], []];
    const sink = (n: 0 | 1 | 2) => ({ next: (v: unknown) => delivered[n].push(v), error: (e: unknown) => errors.push(e), complete: () => {} });
    client.subscribe({ query: STATUS }, sink(0));
    client.subscribe({ query: STATUS }, sink(1));
    client.subscribe({ query: STATUS }, sink(2));
    await expect.poll(() => errors.length, { timeout: 10_000 }).toBe(1);
    expect(errors[0]).toEqual([expect.objectContaining({ extensions: { code: 'RATE_LIMITED', limit: 'subscriptionsPerConnection' } })]);
    // The two it kept deliver. Nothing says when a subscription has started listening, so the
    // change is announced until both have heard of it (on a loaded machine the first may come
    // before the second listens).
    await expect
      .poll(
        async () => {
          await gateway.events.record({ type: 'onboarding.changed', customerId: 'cust-carol' });
          return delivered.map((pushes) => pushes.length > 0);
        },
        { timeout: 20_000, interval: 500 },
      )
      .toEqual([true, true, false]);
    await client.dispose();
  });

  it('applies the document limits to operations sent over the WebSocket', async () => {
    const subscriber = await subscribe(gateway.url, await gateway.token('cust-bob'), `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: viewer { bankCustomerId }`).join(' ')} }`);
    await expect(subscriber.next(10_000)).rejects.toThrow(/Aliases limit of 15 exceeded/);
    await subscriber.close();
  });
});
