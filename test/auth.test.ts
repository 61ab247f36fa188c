import { SignJWT } from 'jose';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_JWT_SECRET, type TestGateway } from './support/gateway.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway?.stop());

const VIEWER = '{ viewer { bankCustomerId email givenName familyName dateOfBirth phone address { city country } } }';

async function forgedToken(customerId: string) {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(customerId)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode('an-attacker-guessed-the-wrong-secret-0123456789'));
}

describe('GraphQL over HTTP', () => {
  it('returns the authenticated bank customer as viewer', async () => {
    const { status, body } = await gateway.graphql(VIEWER, { customerId: 'cust-bob' });
    expect(status).toBe(200);
    expect(body.data.viewer).toEqual({
      bankCustomerId: 'cust-bob',
      email: 'bob.existing@bank.example',
      givenName: 'Bob',
      familyName: 'Already',
      dateOfBirth: '1985-09-30',
      phone: '+447700900002',
      address: { city: 'Manchester', country: 'GB' },
    });
  });

  it('answers 401 with a clear message when the token is missing', async () => {
    const { status, body } = await gateway.graphql(VIEWER, { token: null });
    expect(status).toBe(401);
    expect(body.errors![0]).toMatchObject({
      message: expect.stringContaining('Authentication required'),
      extensions: { code: 'UNAUTHENTICATED', reason: 'missing' },
    });
    expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('answers 401 for a token signed with another key', async () => {
    const { status, body } = await gateway.graphql(VIEWER, { token: await forgedToken('cust-alice') });
    expect(status).toBe(401);
    expect(body.errors![0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'invalid' });
    expect(body.data).toBeUndefined();
  });

  it('answers 401 for an expired token', async () => {
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('cust-alice')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const { status, body } = await gateway.graphql(VIEWER, { token: expired });
    expect(status).toBe(401);
    expect(body.errors![0]).toMatchObject({ message: 'The token has expired', extensions: { reason: 'expired' } });
  });

  it('answers 401 for a header that is not a bearer token', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic Zm9vOmJhcg==' },
      body: JSON.stringify({ query: VIEWER }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('refuses a token without an expiry, so a leaked token cannot live forever', async () => {
    const eternal = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('cust-alice')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const { status } = await gateway.graphql(VIEWER, { token: eternal });
    expect(status).toBe(401);
  });

  it('tags every response with a request id, echoing a sane one from the caller', async () => {
    const response = await fetch(`${gateway.url}/healthz`, { headers: { 'x-request-id': 'bank-trace-42' } });
    expect(response.headers.get('x-request-id')).toBe('bank-trace-42');
    const generated = await fetch(`${gateway.url}/healthz`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('GraphQL over WebSocket (graphql-ws)', () => {
  function client(connectionParams: Record<string, unknown>): Client {
    return createClient({
      url: gateway.url.replace(/^http/, 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: true,
    });
  }

  async function closeCodeFor(connectionParams: Record<string, unknown>) {
    const c = client(connectionParams);
    try {
      return await new Promise<{ code: number; reason: string }>((resolve, reject) => {
        c.on('closed', (event) => {
          const { code, reason } = event as { code: number; reason: string };
          resolve({ code, reason: String(reason) });
        });
        c.subscribe({ query: VIEWER }, { next: () => reject(new Error('got data')), error: () => {}, complete: () => {} });
      });
    } finally {
      await c.dispose();
    }
  }

  it('runs an operation for a customer who authenticates in connection_init', async () => {
    const c = client({ Authorization: `Bearer ${await gateway.token('cust-alice')}` });
    try {
      const result = await new Promise<any>((resolve, reject) => {
        c.subscribe({ query: '{ viewer { bankCustomerId } }' }, { next: resolve, error: reject, complete: () => {} });
      });
      expect(result).toEqual({ data: { viewer: { bankCustomerId: 'cust-alice' } } });
    } finally {
      await c.dispose();
    }
  });

  it('closes with 4401 when connection_init carries no token', async () => {
    const { code, reason } = await closeCodeFor({});
    expect(code).toBe(4401);
    expect(reason).toContain('Authentication required');
  });

  it('closes with 4401 for a forged token', async () => {
    const { code } = await closeCodeFor({ Authorization: `Bearer ${await forgedToken('cust-alice')}` });
    expect(code).toBe(4401);
  });

  it('closes with 4401 for an expired token', async () => {
    const { code, reason } = await closeCodeFor({ Authorization: `Bearer ${await gateway.token('cust-alice', -60)}` });
    expect(code).toBe(4401);
    expect(reason).toContain('expired');
  });
});
