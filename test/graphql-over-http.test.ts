/**
 * GraphQL over HTTP, as the spec says and graphql-http's server audits check it: every audit
 * (MUST, SHOULD and MAY) passes against the real gateway, with a bank customer's bearer token.
 * Plus what the audits cannot know: GET works for queries only, and a request without the
 * bearer header — what a forged cross-site request is — does nothing.
 */
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';

let gateway: TestGateway;
let token: string;
beforeAll(async () => {
  gateway = await startTestGateway();
  token = await gateway.token('cust-alice');
});
afterAll(() => gateway?.stop());

const authorized: typeof fetch = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

describe("graphql-http's server audits", () => {
  const audits = serverAudits({ url: () => `${gateway.url}/graphql`, fetchFn: authorized });
  it.each(audits.map((audit) => [audit.name, audit] as const))('%s', async (_name, audit) => {
    const result = await audit.fn();
    expect(result.status, 'reason' in result ? result.reason : '').toBe('ok');
  });
});

describe('GET', () => {
  it('answers a query sent as GET, the way urql and Relay send queries by default', async () => {
    const url = new URL(`${gateway.url}/graphql`);
    url.searchParams.set('query', 'query Me { viewer { bankCustomerId } }');
    const response = await authorized(url);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { viewer: { bankCustomerId: 'cust-alice' } } });
  });

  it('refuses a mutation sent as GET, and runs nothing', async () => {
    const url = new URL(`${gateway.url}/graphql`);
    url.searchParams.set('query', 'mutation { unlinkAccount { unlinked } }');
    const response = await authorized(url);
    expect(response.status).toBe(405);
    expect((await response.json()).data).toBeUndefined();
  });

  it('does nothing for a request that carries no bearer token, as a cross-site request would (cookies are never read)', async () => {
    const url = new URL(`${gateway.url}/graphql`);
    url.searchParams.set('query', '{ viewer { email } }');
    const forged = await fetch(url, { headers: { cookie: 'session=whatever', origin: 'https://evil.example' } });
    expect(forged.status).toBe(401);
    const form = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: 'query=mutation%20%7B%20unlinkAccount%20%7B%20unlinked%20%7D%20%7D',
    });
    expect(form.status).toBe(401);
  });
});

describe('status codes by media type', () => {
  const post = (accept: string, query: string) =>
    authorized(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query }) });

  it('answers a document that does not validate with 200 for application/json and 400 for application/graphql-response+json', async () => {
    expect((await post('application/json', '{ noSuchField }')).status).toBe(200);
    expect((await post('application/graphql-response+json', '{ noSuchField }')).status).toBe(400);
  });

  it('keeps the limits a refusal (400), whatever the media type', async () => {
    const aliases = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: viewer { email }`).join(' ')} }`;
    const response = await post('application/json', aliases);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(response.status).toBe(400);
  });
});
