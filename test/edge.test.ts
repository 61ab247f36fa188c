/**
 * The browser-facing edge: CORS for the bank's web apps, security headers, compression, a
 * cacheable GraphiQL, and GraphiQL and introspection off in production.
 */
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';

const BANK_APP = 'https://app.bank.example';

/** The bytes as sent (fetch would decompress them on the way). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

function preflight(gateway: TestGateway, origin: string) {
  return fetch(`${gateway.url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
}

describe('browser access', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ CORS_ORIGINS: `${BANK_APP},https://admin.bank.example` });
  }, 60_000);
  afterAll(() => gateway?.stop());

  it('answers a preflight from an allowed origin without a token, allowing the Authorization header', async () => {
    const response = await preflight(gateway, BANK_APP);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(BANK_APP);
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
  });

  it('gives a preflight from another origin no permission (and no 401)', async () => {
    const response = await preflight(gateway, 'https://evil.example');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets the allowed origin read the answer to its request', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { origin: BANK_APP, 'content-type': 'application/json', authorization: `Bearer ${await gateway.token('cust-alice')}` },
      body: JSON.stringify({ query: '{ viewer { bankCustomerId } }' }),
    });
    expect(response.headers.get('access-control-allow-origin')).toBe(BANK_APP);
    expect((await response.json()).data.viewer.bankCustomerId).toBe('cust-alice');
  });

  it('sends security headers on every answer', async () => {
    for (const path of ['/graphql', '/healthz', '/no-such-page']) {
      const response = await fetch(`${gateway.url}${path}`);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('strict-transport-security')).toContain('max-age=');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('compresses a large GraphQL answer for a client that accepts gzip', async () => {
    const aliases = Array.from({ length: 15 }, (_, i) => `a${i}: viewer { bankCustomerId email givenName familyName }`).join(' ');
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'accept-encoding': 'gzip', 'content-type': 'application/json', authorization: `Bearer ${await gateway.token('cust-alice')}` },
      body: JSON.stringify({ query: `{ ${aliases} }` }),
    });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect((await response.json()).data.a14.bankCustomerId).toBe('cust-alice');
  });

  it('serves GraphiQL rendered once, gzipped and cacheable, and 304 to a browser that has it', { timeout: 60_000 }, async () => {
    const pages = await Promise.all(Array.from({ length: 10 }, () => rawGet(`${gateway.url}/graphiql`, { 'accept-encoding': 'gzip' })));
    expect(new Set(pages.map((p) => p.headers.etag)).size).toBe(1);
    const [first] = pages;
    expect(first.status).toBe(200);
    expect(first.headers['content-encoding']).toBe('gzip');
    expect(first.headers['cache-control']).toMatch(/max-age=\d+/);
    expect(first.body.length).toBeLessThan(4_000_000);
    expect(gunzipSync(first.body).toString()).toContain('graphiql');
    const again = await rawGet(`${gateway.url}/graphiql`, { 'if-none-match': String(first.headers.etag) });
    expect(again.status).toBe(304);
  });
});

describe('in production', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      WISE_ENV: 'sandbox',
      WISE_CLIENT_ID: 'bank-client',
      WISE_CLIENT_SECRET: 'bank-client-secret',
      // Never called here: nothing in these tests reaches Wise.
      WISE_API_URL: 'http://127.0.0.1:9',
      WEBHOOK_SUBSCRIPTIONS_ENSURE: 'false',
      ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 3).toString('base64')}`,
      SEED_DEMO_DATA: 'false',
    });
  }, 60_000);
  afterAll(() => gateway?.stop());

  it('does not serve GraphiQL', async () => {
    expect((await fetch(`${gateway.url}/graphiql`)).status).toBe(404);
  });

  it('refuses introspection and suggests no field names', async () => {
    // A document that does not validate: 400 for application/graphql-response+json, 200 with the
    // errors for application/json (the GraphQL-over-HTTP spec); refused and unhelpful either way.
    const post = async (query: string, accept: string) => {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${await gateway.token('cust-alice')}` },
        body: JSON.stringify({ query }),
      });
      return { status: response.status, body: await response.json() };
    };
    for (const [accept, status] of [['application/graphql-response+json', 400], ['application/json', 200]] as const) {
      const introspection = await post('{ __schema { types { name } } }', accept);
      expect(introspection.status).toBe(status);
      expect(introspection.body.data).toBeUndefined();
      expect(introspection.body.errors?.[0].message).toMatch(/introspection/i);
      const typo = await post('{ viewr { id } }', accept);
      expect(typo.status).toBe(status);
      expect(typo.body.data).toBeUndefined();
      expect(typo.body.errors?.[0].message).not.toMatch(/Did you mean/);
    }
  });

  it('still answers GraphQL', async () => {
    const { body } = await gateway.graphql('{ __typename }');
    expect(body).toEqual({ data: { __typename: 'Query' } });
  });
});
