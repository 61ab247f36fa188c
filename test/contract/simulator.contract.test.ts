/**
 * The simulator against Wise's OpenAPI description: every endpoint the gateway uses is driven
 * over HTTP; every request is validated against its request schema and every response against
 * the schema for its status. Statuses the description leaves out (most 4xx) are checked against
 * Wise's error-body families instead. Where the simulator must differ, the test says why.
 */
import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { signRsaSha256 } from '../../src/lib/rsa-signature.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSimulatorOptions, startSimulator, type Simulator } from '../../src/simulator/server.js';
import { verifySignature } from '../../src/simulator/webhooks.js';
import { allOperations, callWise, errorFamilies, exercised, type WiseCall } from './support.js';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const EXISTING = { email: 'existing.person@wise.example', password: 'correct-horse-battery' };

let sim: Simulator;
let base: string;
const wise = <T = any>(call: WiseCall) => callWise<T>(base, call);
const client = { id: 'contract-client', secret: 'secret with spaces&symbols=%' };

type Received = { headers: http.IncomingHttpHeaders; body: string };
let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];
/** How the receiver answers, in order (a status, or 'slow': 200 after 5.5 s); then 200. */
let receiverScript: (number | 'slow')[] = [];

beforeAll(async () => {
  sim = await startSimulator(
    defaultSimulatorOptions({
      clientId: client.id,
      clientSecret: client.secret,
      clientKey: 'contract-client-key',
      redirectUris: [REDIRECT_URI],
      webhookRetryBaseMs: 50,
      seedUsers: [{ ...EXISTING, profile: { firstName: 'Existing', lastName: 'Person', dateOfBirth: '1980-02-02', country: 'GB', city: 'London', firstLine: '9 Road', postCode: 'E1 1AA' } }],
    }),
  );
  base = sim.url;
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const next = receiverScript.shift() ?? 200;
      if (next === 'slow') {
        setTimeout(() => res.end(), 5500).unref();
        return;
      }
      res.statusCode = next;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/wise`;
});

afterAll(async () => {
  await sim?.stop();
  await new Promise((r) => receiver?.close(r));
});

async function clientToken(): Promise<string> {
  const { status, body } = await wise({ method: 'POST', path: '/oauth/token', basic: client, form: { grant_type: 'client_credentials' } });
  expect(status).toBe(200);
  return body.access_token;
}

/** A partner-KYC user with a personal profile, and its tokens. */
async function partnerUser(options: { country?: string; state?: string } = {}) {
  const cc = await clientToken();
  const email = `user-${randomUUID()}@bank.example`;
  const registrationCode = randomUUID() + randomUUID();
  expect((await wise({ method: 'POST', path: '/v1/user/signup/registration_code', token: cc, json: { email, registrationCode } })).status).toBe(200);
  const tokens = await wise({ method: 'POST', path: '/oauth/token', basic: client, form: { grant_type: 'registration_code', client_id: client.id, email, registration_code: registrationCode } });
  expect(tokens.status).toBe(200);
  const country = options.country ?? 'gbr';
  const profile = await wise({
    method: 'POST',
    path: '/v2/profiles/personal-profile',
    token: tokens.body.access_token,
    json: {
      firstName: 'Pat',
      lastName: 'Partner',
      dateOfBirth: '1991-03-04',
      address: { addressFirstLine: '1 Test Street', city: 'London', countryIso3Code: country, postCode: 'N1 1AA', ...(options.state ? { stateCode: options.state } : {}) },
      contactDetails: { email, phoneNumber: '+447700900123' },
    },
  });
  expect(profile.status).toBe(200);
  return { email, registrationCode, token: tokens.body.access_token as string, refreshToken: tokens.body.refresh_token as string, profileId: profile.body.id as number, cc };
}

/** Logs in on the authorization page (plain HTTP, as a browser would post the forms). */
async function authorizeAs(email: string, password: string, decision: 'allow' | 'deny', state = 'st-1') {
  const login = await fetch(`${base}/oauth/authorize/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: client.id, redirect_uri: REDIRECT_URI, state, email, password }),
  });
  expect(login.status).toBe(200);
  const html = await login.text();
  const session = /name="session" value="([^"]+)"/.exec(html)![1];
  const profileId = /name="profileId" value="(\d+)"/.exec(html)?.[1];
  const consent = await fetch(`${base}/oauth/authorize/consent`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ session, decision, ...(profileId ? { profileId } : {}) }),
  });
  expect(consent.status).toBe(302);
  return new URL(consent.headers.get('location')!);
}

describe('OAuth token endpoint', () => {
  it('issues a 12-hour client-credentials token to a client authenticated with URL-encoded Basic credentials', async () => {
    const { status, body } = await wise({ method: 'POST', path: '/oauth/token', basic: client, form: { grant_type: 'client_credentials' } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 43199, scope: 'transfers' });
    expect(body.refresh_token).toBeUndefined();
  });

  it('answers 401 invalid_client for a wrong secret', async () => {
    const { status, body } = await wise({ method: 'POST', path: '/oauth/token', basic: { id: client.id, secret: 'nope' }, form: { grant_type: 'client_credentials' } });
    expect(status).toBe(401);
    expect(body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
  });

  it('answers 400 invalid_request "Missing grant type" without grant_type', async () => {
    const { status, body } = await wise({ method: 'POST', path: '/oauth/token', basic: client, form: {}, unchecked: true });
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'invalid_request', error_description: 'Missing grant type' });
  });

  it('exchanges a registration code for user tokens, and refuses a wrong one with invalid_grant', async () => {
    const user = await partnerUser();
    expect(user.refreshToken).toBeTruthy();
    const wrong = await wise({ method: 'POST', path: '/oauth/token', basic: client, form: { grant_type: 'registration_code', client_id: client.id, email: user.email, registration_code: 'x'.repeat(40) } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid user credentials.' });
  });

  it('refreshes, and the refresh invalidates the previous access token', async () => {
    const user = await partnerUser();
    const refreshed = await wise({ method: 'POST', path: '/oauth/token', basic: client, form: { grant_type: 'refresh_token', refresh_token: user.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(user.token);
    const old = await wise({ method: 'GET', path: '/v1/me', token: user.token });
    expect(old.status).toBe(401);
    expect(old.body).toEqual({ error: 'invalid_token', error_description: 'Invalid token' });
    expect((await wise({ method: 'GET', path: '/v1/me', token: refreshed.body.access_token })).status).toBe(200);
  });

  it('exchanges an authorization code once and only once, and only with the registered redirect_uri', async () => {
    const redirect = await authorizeAs(EXISTING.email, EXISTING.password, 'allow', 'csrf-123');
    expect(redirect.origin + redirect.pathname).toBe(REDIRECT_URI);
    expect(redirect.searchParams.get('state')).toBe('csrf-123');
    expect(redirect.searchParams.get('profileId')).toMatch(/^\d+$/);
    const code = redirect.searchParams.get('code')!;
    const form = { grant_type: 'authorization_code', client_id: client.id, code, redirect_uri: REDIRECT_URI };
    const mismatched = await wise({ method: 'POST', path: '/oauth/token', basic: client, form: { ...form, redirect_uri: 'http://127.0.0.1:9/elsewhere' } });
    expect(mismatched.status).toBe(401);
    const first = await wise({ method: 'POST', path: '/oauth/token', basic: client, form });
    expect(first.status).toBe(200);
    const second = await wise({ method: 'POST', path: '/oauth/token', basic: client, form });
    expect(second.status).toBe(401);
    expect(second.body.error).toBe('invalid_grant');
    // RFC 6749 §4.1.2: a replayed code revokes what it minted.
    expect((await wise({ method: 'GET', path: '/v1/me', token: first.body.access_token })).status).toBe(401);
  });

  it('expires an authorization code after 30 minutes', async () => {
    const code = (await authorizeAs(EXISTING.email, EXISTING.password, 'allow')).searchParams.get('code')!;
    sim.core.clock.advance(31 * 60_000);
    const late = await wise({ method: 'POST', path: '/oauth/token', basic: client, form: { grant_type: 'authorization_code', client_id: client.id, code, redirect_uri: REDIRECT_URI } });
    expect(late.status).toBe(401);
  });
});

describe('authorization page', () => {
  it('shows an error page and does not redirect when redirect_uri is not the registered one', async () => {
    const response = await fetch(`${base}/oauth/authorize/?client_id=${client.id}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('redirect_uri does not match');
  });

  it('redirects with error=access_denied when the person declines', async () => {
    const redirect = await authorizeAs(EXISTING.email, EXISTING.password, 'deny', 's-9');
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('error_description')).toBeTruthy();
    expect(redirect.searchParams.get('state')).toBe('s-9');
    expect(redirect.searchParams.get('code')).toBeNull();
  });

  it('refuses a wrong password without redirecting', async () => {
    const response = await fetch(`${base}/oauth/authorize/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: client.id, redirect_uri: REDIRECT_URI, email: EXISTING.email, password: 'wrong-password' }),
      redirect: 'manual',
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('Email or password is not right');
  });
});

describe('users', () => {
  it('signs up a user with a registration code (name and details null), and answers 409 NOT_UNIQUE for a known email', async () => {
    const cc = await clientToken();
    const email = `new-${randomUUID()}@bank.example`;
    const created = await wise({ method: 'POST', path: '/v1/user/signup/registration_code', token: cc, json: { email, registrationCode: 'r'.repeat(32), language: 'EN' } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ email, name: null, details: null, active: true });
    const again = await wise({ method: 'POST', path: '/v1/user/signup/registration_code', token: cc, json: { email: EXISTING.email, registrationCode: 's'.repeat(32) } });
    expect(again.status).toBe(409);
    expect(again.body.errors[0]).toMatchObject({ code: 'NOT_UNIQUE', path: 'email' });
    expect(again.body.errors[0].arguments[1]).toMatch(/^ex\*+@wise\.example$/);
  });

  it('refuses a registration code shorter than 32 characters and a user token', async () => {
    const cc = await clientToken();
    const short = await wise({ method: 'POST', path: '/v1/user/signup/registration_code', token: cc, json: { email: 'short@bank.example', registrationCode: 'too-short' }, unchecked: true });
    expect(short.status).toBe(400);
    expect(errorFamilies.validation(short.body)).toBe(true);
    expect(short.body.errors[0].path).toBe('registrationCode');
    const user = await partnerUser();
    const withUserToken = await wise({ method: 'POST', path: '/v1/user/signup/registration_code', token: user.token, json: { email: 'x@bank.example', registrationCode: 'r'.repeat(32) } });
    expect(withUserToken.status).toBe(401);
  });

  it('tells whether an email exists', async () => {
    const cc = await clientToken();
    expect((await wise({ method: 'POST', path: '/v1/users/exists', token: cc, json: { email: EXISTING.email } })).body).toEqual({ exists: true });
    expect((await wise({ method: 'POST', path: '/v1/users/exists', token: cc, json: { email: 'nobody@bank.example' } })).body).toEqual({ exists: false });
  });

  it('returns the token owner from /v1/me, with details once the personal profile exists', async () => {
    const user = await partnerUser();
    const { status, body } = await wise({ method: 'GET', path: '/v1/me', token: user.token });
    expect(status).toBe(200);
    expect(body).toMatchObject({ email: user.email, name: 'Pat Partner', details: { dateOfBirth: '1991-03-04' } });
  });

  it('answers 401 without a token and with an unknown one, in Wise\'s two bodies', async () => {
    const none = await wise({ method: 'GET', path: '/v1/me' });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: 'unauthorized', error_description: 'Full authentication is required to access this resource' });
    const unknown = await wise({ method: 'GET', path: '/v1/me', token: randomUUID() });
    expect(unknown.body).toEqual({ error: 'invalid_token', error_description: 'Invalid token' });
  });

  it('issues a 5-minute claim code only for the right registration code; the claim kills the registration code', async () => {
    const user = await partnerUser();
    const wrong = await wise({ method: 'POST', path: '/v1/user/claim-account', token: user.token, json: { registrationCode: 'w'.repeat(40) } });
    expect(wrong.status).toBe(400);
    const { status, body } = await wise({ method: 'POST', path: '/v1/user/claim-account', token: user.token, json: { registrationCode: user.registrationCode } });
    expect(status).toBe(200);
    expect(body.claimAccountCode).toBeTruthy();
    const page = await fetch(`${base}/oauth/authorize/?client_id=${client.id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&claim_account_code=${body.claimAccountCode}`);
    expect(await page.text()).toContain(user.email);
    const claim = await fetch(`${base}/oauth/authorize/claim`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: client.id, redirect_uri: REDIRECT_URI, claim_account_code: body.claimAccountCode, password: 'my-own-password' }),
    });
    expect(claim.status).toBe(200);
    const regen = await wise({ method: 'POST', path: '/oauth/token', basic: client, form: { grant_type: 'registration_code', client_id: client.id, email: user.email, registration_code: user.registrationCode } });
    expect(regen.status).toBe(401);
  });
});

describe('profiles', () => {
  it('creates, lists and reads a personal profile; a business profile needs it first', async () => {
    const user = await partnerUser();
    const list = await wise({ method: 'GET', path: '/v2/profiles', token: user.token });
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({ type: 'PERSONAL', id: user.profileId, dateOfBirth: '1991-03-04', address: { countryIso3Code: 'gbr', countryIso2Code: 'GB' } });
    const one = await wise({ method: 'GET', path: '/v2/profiles/{profileId}', params: { profileId: user.profileId }, token: user.token });
    expect(one.body.fullName).toBe('Pat Partner');
    const business = await wise({
      method: 'POST',
      path: '/v2/profiles/business-profile',
      token: user.token,
      json: { businessName: 'Pat Trading Ltd', registrationNumber: '07209813', companyType: 'LIMITED', companyRole: 'OWNER', address: { addressFirstLine: '2 Market St', city: 'Leeds', countryIso3Code: 'gbr', postCode: 'LS1 1AA' }, webpage: 'https://pat.example' },
    });
    expect(business.status).toBe(200);
    expect(business.body).toMatchObject({ type: 'BUSINESS', businessName: 'Pat Trading Ltd' });
  });

  it('treats a retry with the same X-idempotence-uuid as a repeat, and a second personal profile as a 409', async () => {
    const cc = await clientToken();
    const email = `idem-${randomUUID()}@bank.example`;
    const code = 'c'.repeat(40);
    await wise({ method: 'POST', path: '/v1/user/signup/registration_code', token: cc, json: { email, registrationCode: code } });
    const token = (await wise({ method: 'POST', path: '/oauth/token', basic: client, form: { grant_type: 'registration_code', client_id: client.id, email, registration_code: code } })).body.access_token;
    const body = { firstName: 'Ida', lastName: 'Empotent', dateOfBirth: '1970-01-01', address: { addressFirstLine: 'x', city: 'y', countryIso3Code: 'gbr' }, contactDetails: { email, phoneNumber: '+447700900555' } };
    const key = randomUUID();
    const first = await wise({ method: 'POST', path: '/v2/profiles/personal-profile', token, json: body, headers: { 'X-idempotence-uuid': key } });
    const repeat = await wise({ method: 'POST', path: '/v2/profiles/personal-profile', token, json: body, headers: { 'X-idempotence-uuid': key } });
    expect(repeat.body.id).toBe(first.body.id);
    const duplicate = await wise({ method: 'POST', path: '/v2/profiles/personal-profile', token, json: body });
    expect(duplicate.status).toBe(409);
    expect(errorFamilies.validation(duplicate.body)).toBe(true);
  });

  it('names every missing field of a personal profile in one 400', async () => {
    const user = await partnerUser();
    const { status, body } = await wise({ method: 'POST', path: '/v2/profiles/personal-profile', token: user.token, json: { firstName: 'Only' }, unchecked: true });
    expect(status).toBe(400);
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['lastName', 'dateOfBirth', 'address', 'contactDetails.email']));
  });

  it("answers 403 for another user's profile and 404 for an unknown one", async () => {
    const a = await partnerUser();
    const b = await partnerUser();
    const other = await wise({ method: 'GET', path: '/v2/profiles/{profileId}', params: { profileId: b.profileId }, token: a.token });
    expect(other.status).toBe(403);
    expect(errorFamilies.forbidden(other.body)).toBe(true);
    const unknown = await wise({ method: 'GET', path: '/v2/profiles/{profileId}', params: { profileId: 1 }, token: a.token });
    expect(unknown.status).toBe(404);
    expect(errorFamilies.spring(unknown.body)).toBe(true);
  });
});

describe('verification', () => {
  it('reports not_verified until the sandbox simulation verifies the profile, then verified', async () => {
    const user = await partnerUser();
    const before = await wise({ method: 'POST', path: '/v3/profiles/{profileId}/verification-status/bank-transfer', params: { profileId: user.profileId }, query: { source_currencies: 'GBP,USD' }, token: user.token });
    expect(before.status).toBe(200);
    expect(before.body.routes).toEqual([
      { source_currency: 'GBP', maximum_entitled_amount: 0, current_status: 'not_verified' },
      { source_currency: 'USD', maximum_entitled_amount: 0, current_status: 'not_verified' },
    ]);
    const simulated = await wise({ method: 'POST', path: '/v1/simulation/profiles/{profileId}/verifications', params: { profileId: user.profileId }, token: user.cc });
    expect(simulated.status).toBe(200);
    const after = await wise({ method: 'POST', path: '/v3/profiles/{profileId}/verification-status/bank-transfer', params: { profileId: user.profileId }, query: { source_currencies: 'GBP' }, token: user.token });
    expect(after.body.routes[0].current_status).toBe('verified');
  });

  it('verifies every profile of the user with /v1/simulation/verify-profile', async () => {
    const user = await partnerUser();
    expect((await wise({ method: 'POST', path: '/v1/simulation/verify-profile', token: user.token })).status).toBe(200);
    const check = await wise({ method: 'POST', path: '/v3/profiles/{profileId}/verification-status/bank-transfer', params: { profileId: user.profileId }, query: { source_currencies: 'EUR' }, token: user.token });
    expect(check.body.routes[0].current_status).toBe('verified');
  });

  it('answers 400 CurrencyCode for an unknown source currency', async () => {
    const user = await partnerUser();
    const { status, body } = await wise({ method: 'POST', path: '/v3/profiles/{profileId}/verification-status/bank-transfer', params: { profileId: user.profileId }, query: { source_currencies: 'XXX' }, token: user.token });
    expect(status).toBe(400);
    expect(body.errors[0].code).toBe('CurrencyCode');
  });
});

describe('webhook subscriptions and delivery', () => {
  it('creates, lists, reads and deletes an application subscription, and delivers a signed test notification', async () => {
    const cc = await clientToken();
    const created = await wise({
      method: 'POST',
      path: '/v3/applications/{clientKey}/subscriptions',
      params: { clientKey: 'contract-client-key' },
      token: cc,
      json: { name: 'Test transfers', trigger_on: 'transfers#state-change', delivery: { version: '2.0.0', url: receiverUrl } },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ trigger_on: 'transfers#state-change', scope: { domain: 'application', id: 'contract-client-key' } });
    const id = created.body.id;
    const listed = await wise({ method: 'GET', path: '/v3/applications/{clientKey}/subscriptions', params: { clientKey: 'contract-client-key' }, token: cc });
    expect(listed.body.map((s: { id: string }) => s.id)).toContain(id);
    expect((await wise({ method: 'GET', path: '/v3/applications/{clientKey}/subscriptions/{subscriptionId}', params: { clientKey: 'contract-client-key', subscriptionId: id }, token: cc })).body.id).toBe(id);

    received.length = 0;
    const test = await wise({ method: 'POST', path: '/v3/applications/{clientKey}/subscriptions/{subscriptionId}/test-notifications', params: { clientKey: 'contract-client-key', subscriptionId: id }, token: cc });
    expect(test.status).toBe(200);
    await expect.poll(() => received.length).toBe(1);
    const [delivery] = received;
    expect(delivery.headers['x-delivery-id']).toBe(test.body[0].delivery_id);
    expect(delivery.headers['x-test-notification']).toBe('true');
    expect(verifySignature(sim.publicKeyPem, delivery.body, String(delivery.headers['x-signature-sha256']))).toBe(true);
    expect(JSON.parse(delivery.body)).toMatchObject({ event_type: 'transfers#state-change', schema_version: '2.0.0', subscription_id: id, data: { resource: { id: 0 } } });

    const deleted = await wise({ method: 'DELETE', path: '/v3/applications/{clientKey}/subscriptions/{subscriptionId}', params: { clientKey: 'contract-client-key', subscriptionId: id }, token: cc });
    expect(deleted.status).toBe(204);
    const gone = await wise({ method: 'GET', path: '/v3/applications/{clientKey}/subscriptions/{subscriptionId}', params: { clientKey: 'contract-client-key', subscriptionId: id }, token: cc });
    expect(gone.status).toBe(404);
  });

  it("refuses another application's key, a user token, and an unknown event type", async () => {
    const cc = await clientToken();
    const body = { name: 'x', trigger_on: 'transfers#state-change', delivery: { version: '2.0.0', url: receiverUrl } };
    expect((await wise({ method: 'POST', path: '/v3/applications/{clientKey}/subscriptions', params: { clientKey: 'someone-else' }, token: cc, json: body })).status).toBe(403);
    const user = await partnerUser();
    expect((await wise({ method: 'POST', path: '/v3/applications/{clientKey}/subscriptions', params: { clientKey: 'contract-client-key' }, token: user.token, json: body })).status).toBe(401);
    const unknown = await wise({ method: 'POST', path: '/v3/applications/{clientKey}/subscriptions', params: { clientKey: 'contract-client-key' }, token: cc, json: { ...body, trigger_on: 'nothing#happened' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].path).toBe('trigger_on');
  });

  it('manages profile subscriptions, which cannot take application-only events', async () => {
    const user = await partnerUser();
    const params = { profileId: user.profileId };
    const appOnly = await wise({ method: 'POST', path: '/v3/profiles/{profileId}/subscriptions', params, token: user.token, json: { name: 'v', trigger_on: 'profiles#verification-state-change', delivery: { version: '2.0.0', url: receiverUrl } } });
    expect(appOnly.status).toBe(400);
    const created = await wise({ method: 'POST', path: '/v3/profiles/{profileId}/subscriptions', params, token: user.token, json: { name: 't', trigger_on: 'transfers#state-change', delivery: { version: '2.0.0', url: receiverUrl } } });
    expect(created.status).toBe(200);
    expect(created.body.scope).toEqual({ domain: 'profile', id: String(user.profileId) });
    expect((await wise({ method: 'GET', path: '/v3/profiles/{profileId}/subscriptions', params, token: user.token })).body).toHaveLength(1);
    expect((await wise({ method: 'GET', path: '/v3/profiles/{profileId}/subscriptions/{subscriptionId}', params: { ...params, subscriptionId: created.body.id }, token: user.token })).status).toBe(200);
    expect((await wise({ method: 'DELETE', path: '/v3/profiles/{profileId}/subscriptions/{subscriptionId}', params: { ...params, subscriptionId: created.body.id }, token: user.token })).status).toBe(204);
  });

  it('retries a failed delivery with back-off, keeping its delivery id, until the receiver answers 2xx', async () => {
    const cc = await clientToken();
    const sub = await wise({ method: 'POST', path: '/v3/applications/{clientKey}/subscriptions', params: { clientKey: 'contract-client-key' }, token: cc, json: { name: 'retry', trigger_on: 'profiles#verification-state-change', delivery: { version: '2.0.0', url: receiverUrl } } });
    received.length = 0;
    receiverScript = [500, 503];
    const user = await partnerUser();
    await wise({ method: 'POST', path: '/v1/simulation/profiles/{profileId}/verifications', params: { profileId: user.profileId }, token: cc });
    await expect.poll(() => received.length, { timeout: 5000 }).toBe(3);
    const ids = new Set(received.map((r) => r.headers['x-delivery-id']));
    expect(ids.size).toBe(1);
    const event = JSON.parse(received[2].body);
    expect(event).toMatchObject({ event_type: 'profiles#verification-state-change', data: { resource: { type: 'profile', id: user.profileId }, current_state: 'verified' } });
    const log = sim.dispatcher.deliveries.find((d) => d.deliveryId === received[0].headers['x-delivery-id'])!;
    // The simulator logs an attempt once it has read the answer, just after the receiver saw it.
    await expect.poll(() => log.attempts.map((a) => a.status), { timeout: 2000 }).toEqual([500, 503, 200]);
    await wise({ method: 'DELETE', path: '/v3/applications/{clientKey}/subscriptions/{subscriptionId}', params: { clientKey: 'contract-client-key', subscriptionId: sub.body.id }, token: cc });
  });

  it('counts a receiver that takes longer than 5 s as failed and delivers again', async () => {
    const cc = await clientToken();
    const sub = await wise({ method: 'POST', path: '/v3/applications/{clientKey}/subscriptions', params: { clientKey: 'contract-client-key' }, token: cc, json: { name: 'slow', trigger_on: 'transfers#state-change', delivery: { version: '2.0.0', url: receiverUrl } } });
    received.length = 0;
    receiverScript = ['slow'];
    const test = await wise({ method: 'POST', path: '/v3/applications/{clientKey}/subscriptions/{subscriptionId}/test-notifications', params: { clientKey: 'contract-client-key', subscriptionId: sub.body.id }, token: cc });
    await expect.poll(() => received.length, { timeout: 9000 }).toBe(2);
    const log = sim.dispatcher.deliveries.find((d) => d.deliveryId === test.body[0].delivery_id)!;
    await expect.poll(() => log.status).toBe('delivered');
    expect(log.attempts[0]).toMatchObject({ status: null, error: 'no answer within 5000 ms' });
    expect(log.attempts[1].status).toBe(200);
    await wise({ method: 'DELETE', path: '/v3/applications/{clientKey}/subscriptions/{subscriptionId}', params: { clientKey: 'contract-client-key', subscriptionId: sub.body.id }, token: cc });
  }, 15_000);

  it('signs over the exact body: the signature fails once any byte changes', async () => {
    const cc = await clientToken();
    const sub = await wise({ method: 'POST', path: '/v3/applications/{clientKey}/subscriptions', params: { clientKey: 'contract-client-key' }, token: cc, json: { name: 'sig', trigger_on: 'transfers#state-change', delivery: { version: '2.0.0', url: receiverUrl } } });
    received.length = 0;
    await wise({ method: 'POST', path: '/v3/applications/{clientKey}/subscriptions/{subscriptionId}/test-notifications', params: { clientKey: 'contract-client-key', subscriptionId: sub.body.id }, token: cc });
    await expect.poll(() => received.length).toBe(1);
    const { body, headers } = received[0];
    const signature = String(headers['x-signature-sha256']);
    expect(verifySignature(sim.publicKeyPem, body, signature)).toBe(true);
    const bytes = Buffer.from(body);
    for (const index of [0, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const altered = Buffer.from(bytes);
      altered[index] ^= 0x01;
      expect(verifySignature(sim.publicKeyPem, altered, signature)).toBe(false);
    }
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifySignature(otherKey, body, signature)).toBe(false);
    await wise({ method: 'DELETE', path: '/v3/applications/{clientKey}/subscriptions/{subscriptionId}', params: { clientKey: 'contract-client-key', subscriptionId: sub.body.id }, token: cc });
  });
});

describe('quotes', () => {
  it('creates a SOURCE quote that expires 30 minutes after creation, and a TARGET quote', async () => {
    const user = await partnerUser();
    const { status, body } = await wise({ method: 'POST', path: '/v3/profiles/{profileId}/quotes', params: { profileId: user.profileId }, token: user.token, json: { sourceCurrency: 'GBP', targetCurrency: 'EUR', sourceAmount: 1000 } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ providedAmountType: 'SOURCE', sourceAmount: 1000, status: 'PENDING', profile: user.profileId, rateType: 'FIXED' });
    expect(Date.parse(body.expirationTime) - Date.parse(body.createdTime)).toBe(30 * 60_000);
    const fee = body.paymentOptions[0].fee.total;
    expect(body.targetAmount).toBeCloseTo((1000 - fee) * body.rate, 1);
    const target = await wise({ method: 'POST', path: '/v3/profiles/{profileId}/quotes', params: { profileId: user.profileId }, token: user.token, json: { sourceCurrency: 'GBP', targetCurrency: 'JPY', targetAmount: 50000 } });
    expect(target.body).toMatchObject({ providedAmountType: 'TARGET', targetAmount: 50000 });
  });

  it('reads a quote, reports EXPIRED after 30 minutes, and attaches a recipient with PATCH', async () => {
    const user = await partnerUser();
    const quote = (await wise({ method: 'POST', path: '/v3/profiles/{profileId}/quotes', params: { profileId: user.profileId }, token: user.token, json: { sourceCurrency: 'GBP', targetCurrency: 'GBP', sourceAmount: 100 } })).body;
    const recipient = await createGbpRecipient(user);
    const patched = await wise({ method: 'PATCH', path: '/v3/profiles/{profileId}/quotes/{quoteId}', params: { profileId: user.profileId, quoteId: quote.id }, token: user.token, contentType: 'application/merge-patch+json', json: { targetAccount: recipient.id } });
    expect(patched.status).toBe(200);
    expect(patched.body.targetAccount).toBe(recipient.id);
    sim.core.clock.advance(31 * 60_000);
    const read = await wise({ method: 'GET', path: '/v3/profiles/{profileId}/quotes/{quoteId}', params: { profileId: user.profileId, quoteId: quote.id }, token: user.token });
    expect(read.body.status).toBe('EXPIRED');
  });

  it('answers 400 CurrencyCode, 400 for both amounts, and 415 without a JSON content type', async () => {
    const user = await partnerUser();
    const params = { profileId: user.profileId };
    const currency = await wise({ method: 'POST', path: '/v3/profiles/{profileId}/quotes', params, token: user.token, json: { sourceCurrency: 'GBP', targetCurrency: 'ZZZ', sourceAmount: 10 } });
    expect(currency.status).toBe(400);
    expect(currency.body.errors).toEqual([{ code: 'CurrencyCode', message: "That wasn't a valid ISO-4217 currency code (like GBP, USD or EUR).", path: 'targetCurrency', arguments: [] }]);
    const both = await wise({ method: 'POST', path: '/v3/profiles/{profileId}/quotes', params, token: user.token, json: { sourceCurrency: 'GBP', targetCurrency: 'EUR', sourceAmount: 10, targetAmount: 10 } });
    expect(both.status).toBe(400);
    const response = await fetch(`${base}/v3/profiles/${user.profileId}/quotes`, { method: 'POST', headers: { authorization: `Bearer ${user.token}` }, body: '{}' });
    expect(response.status).toBe(415);
    expect(errorFamilies.problem(await response.json())).toBe(true);
  });
});

async function createGbpRecipient(user: { token: string; profileId: number }, accountNumber = '28821822') {
  const { status, body } = await wise({
    method: 'POST',
    path: '/v1/accounts',
    token: user.token,
    json: { currency: 'GBP', type: 'sort_code', profile: user.profileId, accountHolderName: 'Ann Johnson', ownedByCustomer: false, details: { legalType: 'PRIVATE', sortCode: '231470', accountNumber } },
  });
  expect(status).toBe(200);
  return body;
}

describe('account requirements and recipients', () => {
  it.each(['GBP', 'EUR', 'USD', 'CAD', 'JPY', 'KRW', 'INR', 'AUD'])('returns the %s form, with accountHolderName only for Accept-Minor-Version: 1', async (currency) => {
    const user = await partnerUser();
    const quote = (await wise({ method: 'POST', path: '/v3/profiles/{profileId}/quotes', params: { profileId: user.profileId }, token: user.token, json: { sourceCurrency: 'GBP', targetCurrency: currency, sourceAmount: 500 } })).body;
    const v11 = await wise({ method: 'GET', path: '/v1/quotes/{quoteId}/account-requirements', params: { quoteId: quote.id }, token: user.token, headers: { 'Accept-Minor-Version': '1' } });
    expect(v11.status).toBe(200);
    const keys = (form: any[]) => form.flatMap((t) => t.fields.flatMap((f: any) => f.group.map((g: any) => g.key)));
    expect(keys(v11.body)).toContain('accountHolderName');
    const v10 = await wise({ method: 'GET', path: '/v1/quotes/{quoteId}/account-requirements', params: { quoteId: quote.id }, token: user.token });
    expect(keys(v10.body.filter((t: any) => t.type !== 'email'))).not.toContain('accountHolderName');
  });

  it('refreshes: a US address gains a state, a JPY bank fills the branch list', async () => {
    const user = await partnerUser();
    const quoteFor = async (currency: string) => (await wise({ method: 'POST', path: '/v3/profiles/{profileId}/quotes', params: { profileId: user.profileId }, token: user.token, json: { sourceCurrency: 'GBP', targetCurrency: currency, sourceAmount: 500 } })).body.id;
    const usd = await wise({ method: 'POST', path: '/v1/quotes/{quoteId}/account-requirements', params: { quoteId: await quoteFor('USD') }, token: user.token, headers: { 'Accept-Minor-Version': '1' }, json: { type: 'aba', details: { legalType: 'PRIVATE', address: { country: 'US' } } } });
    const aba = usd.body.find((t: any) => t.type === 'aba');
    const state = aba.fields.flatMap((f: any) => f.group).find((g: any) => g.key === 'address.state');
    expect(state.valuesAllowed.map((v: any) => v.key)).toContain('AZ');
    const jpyQuote = await quoteFor('JPY');
    const before = await wise({ method: 'GET', path: '/v1/quotes/{quoteId}/account-requirements', params: { quoteId: jpyQuote }, token: user.token, headers: { 'Accept-Minor-Version': '1' } });
    const branch = (form: any) => form.find((t: any) => t.type === 'japanese').fields.flatMap((f: any) => f.group).find((g: any) => g.key === 'branchCode');
    expect(branch(before.body).valuesAllowed).toBeNull();
    const after = await wise({ method: 'POST', path: '/v1/quotes/{quoteId}/account-requirements', params: { quoteId: jpyQuote }, token: user.token, headers: { 'Accept-Minor-Version': '1' }, json: { type: 'japanese', details: { bankCode: '0005' } } });
    expect(branch(after.body).valuesAllowed.map((v: any) => v.key)).toEqual(['001', '100', '250']);
  });

  it('creates a recipient, and rejects bad details with field errors in Wise\'s shape (with timestamp)', async () => {
    const user = await partnerUser();
    const recipient = await createGbpRecipient(user);
    expect(recipient).toMatchObject({ profileId: user.profileId, currency: 'GBP', type: 'SortCode', active: true, name: { fullName: 'Ann Johnson' } });
    const bad = await wise({ method: 'POST', path: '/v1/accounts', token: user.token, json: { currency: 'GBP', type: 'sort_code', profile: user.profileId, accountHolderName: 'Ann Johnson', details: { legalType: 'PRIVATE', sortCode: '99-99-99', accountNumber: '123' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.timestamp).toBeTruthy();
    expect(bad.body.errors).toEqual([expect.objectContaining({ code: 'NOT_VALID', path: 'accountNumber', arguments: ['accountNumber', '123'] })]);
    const unknownBank = await wise({ method: 'POST', path: '/v1/accounts', token: user.token, json: { currency: 'GBP', type: 'sort_code', profile: user.profileId, accountHolderName: 'Ann Johnson', details: { legalType: 'PRIVATE', sortCode: '99-99-99', accountNumber: '12345678' } } });
    expect(unknownBank.body.errors[0]).toMatchObject({ path: 'sortCode', arguments: ['sortCode', '99-99-99'] });
    const currency = await wise({ method: 'POST', path: '/v1/accounts', token: user.token, json: { currency: 'XYZ', type: 'sort_code', profile: user.profileId, details: {} } });
    expect(currency.status).toBe(400);
  });

  it('lists recipients with seek pagination, reads one, and soft-deletes it (a second delete is 403)', async () => {
    const user = await partnerUser();
    const ids = [];
    for (const n of ['11111111', '22222222', '33333333']) ids.push((await createGbpRecipient(user, n)).id);
    const page1 = await wise({ method: 'GET', path: '/v2/accounts', token: user.token, query: { profileId: user.profileId, size: 2 } });
    expect(page1.body.content.map((r: any) => r.id)).toEqual(ids.slice(0, 2));
    expect(page1.body.seekPositionForNext).toBe(ids[2]);
    const page2 = await wise({ method: 'GET', path: '/v2/accounts', token: user.token, query: { profileId: user.profileId, size: 2, seekPosition: page1.body.seekPositionForNext } });
    expect(page2.body.content.map((r: any) => r.id)).toEqual([ids[2]]);
    expect(page2.body.seekPositionForNext).toBeUndefined();
    expect((await wise({ method: 'GET', path: '/v2/accounts/{accountId}', params: { accountId: ids[0] }, token: user.token })).body.id).toBe(ids[0]);
    const deleted = await wise({ method: 'DELETE', path: '/v2/accounts/{accountId}', params: { accountId: ids[0] }, token: user.token });
    expect(deleted.body.active).toBe(false);
    const again = await wise({ method: 'DELETE', path: '/v2/accounts/{accountId}', params: { accountId: ids[0] }, token: user.token });
    expect(again.status).toBe(403);
    const active = await wise({ method: 'GET', path: '/v2/accounts', token: user.token, query: { profileId: user.profileId } });
    expect(active.body.content.map((r: any) => r.id)).toEqual(ids.slice(1));
  });
});

describe('transfers', () => {
  async function readyToSend(options: { verified?: boolean; amount?: number } = {}) {
    const user = await partnerUser();
    if (options.verified !== false) await wise({ method: 'POST', path: '/v1/simulation/profiles/{profileId}/verifications', params: { profileId: user.profileId }, token: user.cc });
    const quote = (await wise({ method: 'POST', path: '/v3/profiles/{profileId}/quotes', params: { profileId: user.profileId }, token: user.token, json: { sourceCurrency: 'GBP', targetCurrency: 'GBP', sourceAmount: options.amount ?? 250 } })).body;
    const recipient = await createGbpRecipient(user);
    return { user, quote, recipient };
  }

  const create = (ctx: Awaited<ReturnType<typeof readyToSend>>, customerTransactionId: string = randomUUID(), unchecked = false) =>
    wise({ method: 'POST', path: '/v1/transfers', token: ctx.user.token, json: { targetAccount: ctx.recipient.id, quoteUuid: ctx.quote.id, customerTransactionId, details: { reference: 'rent' } }, unchecked });

  it('returns transfer requirements as a form', async () => {
    const ctx = await readyToSend({ amount: 6000 });
    const { status, body } = await wise({ method: 'POST', path: '/v1/transfer-requirements', token: ctx.user.token, json: { targetAccount: ctx.recipient.id, quoteUuid: ctx.quote.id, details: { sourceOfFunds: 'verification.source.of.funds.other' } } });
    expect(status).toBe(200);
    const keys = body[0].fields.flatMap((f: any) => f.group.map((g: any) => g.key));
    expect(body[0].type).toBe('transfer');
    expect(keys).toEqual(['reference', 'sourceOfFunds', 'sourceOfFundsOther']);
  });

  it('creates a transfer; the same customerTransactionId returns it again; the quote cannot be used twice', async () => {
    const ctx = await readyToSend();
    const id = randomUUID();
    const first = await create(ctx, id);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'incoming_payment_waiting', quoteUuid: ctx.quote.id, customerTransactionId: id, sourceValue: 250 });
    expect(first.body.created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const repeat = await create(ctx, id);
    expect(repeat.body.id).toBe(first.body.id);
    const second = await create(ctx);
    expect(second.status).toBe(409);
    expect(Object.values(sim.core.state.transfers).filter((t) => t.quoteUuid === ctx.quote.id)).toHaveLength(1);
  });

  it('refuses a customerTransactionId that is not a UUID', async () => {
    const ctx = await readyToSend();
    // Deliberately outside the request schema: the simulator must refuse what Wise refuses.
    const { status, body } = await create(ctx, 'not-a-uuid', true);
    expect(status).toBe(400);
    expect(body.errors[0].path).toBe('customerTransactionId');
  });

  it('funds from the balance, then moves through the simulation in order, and refuses to cancel once sent', async () => {
    const ctx = await readyToSend();
    const transfer = (await create(ctx)).body;
    const fund = await wise({ method: 'POST', path: '/v3/profiles/{profileId}/transfers/{transferId}/payments', params: { profileId: ctx.user.profileId, transferId: transfer.id }, token: ctx.user.token, json: { type: 'BALANCE' } });
    expect(fund.status).toBe(200);
    expect(fund.body).toMatchObject({ type: 'BALANCE', status: 'COMPLETED', errorCode: null });
    const step = (status: string) => wise({ method: 'GET', path: '/v1/simulation/transfers/{transferId}/{status}', params: { transferId: transfer.id, status }, token: ctx.user.token });
    const outOfOrder = await step('outgoing_payment_sent');
    expect(outOfOrder.status).toBe(200);
    expect(outOfOrder.body.errors[0].code).toBe('wrong_status');
    for (const state of ['processing', 'funds_converted', 'outgoing_payment_sent']) {
      const moved = await step(state);
      expect(moved.body.status).toBe(state);
    }
    const cancel = await wise({ method: 'PUT', path: '/v1/transfers/{transferId}/cancel', params: { transferId: transfer.id }, token: ctx.user.token });
    expect(cancel.status).toBe(409);
    expect(cancel.body.errors[0].code).toBe('transfer.cancellation.not.allowed');
    const read = await wise({ method: 'GET', path: '/v1/transfers/{transferId}', params: { transferId: transfer.id }, token: ctx.user.token });
    expect(read.body.status).toBe('outgoing_payment_sent');
  });

  it('keeps an unverified profile\'s transfer in processing (wrong_status), as the sandbox does', async () => {
    const ctx = await readyToSend({ verified: false });
    const transfer = (await create(ctx)).body;
    await wise({ method: 'POST', path: '/v3/profiles/{profileId}/transfers/{transferId}/payments', params: { profileId: ctx.user.profileId, transferId: transfer.id }, token: ctx.user.token, json: { type: 'BALANCE' } });
    const stuck = await wise({ method: 'GET', path: '/v1/simulation/transfers/{transferId}/{status}', params: { transferId: transfer.id, status: 'funds_converted' }, token: ctx.user.token });
    expect(stuck.body.errors[0].message).toContain('please ensure profile is verified');
  });

  it('rejects funding in-band when the balance is short, leaving the transfer waiting', async () => {
    const ctx = await readyToSend();
    await fetch(`${base}/__simulator/profiles/${ctx.user.profileId}/balances`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ currency: 'GBP', amount: 10 }) });
    const transfer = (await create(ctx)).body;
    const fund = await wise({ method: 'POST', path: '/v3/profiles/{profileId}/transfers/{transferId}/payments', params: { profileId: ctx.user.profileId, transferId: transfer.id }, token: ctx.user.token, json: { type: 'BALANCE' } });
    expect(fund.status).toBe(200);
    expect(fund.body).toMatchObject({ status: 'REJECTED', errorCode: 'transfer.insufficient_funds' });
    const balances = await wise({ method: 'GET', path: '/v4/profiles/{profileId}/balances', params: { profileId: ctx.user.profileId }, token: ctx.user.token, query: { types: 'STANDARD' } });
    const gbp = balances.body.find((b: any) => b.currency === 'GBP');
    expect(gbp.amount.value).toBe(10);
    const topup = await wise({ method: 'POST', path: '/v1/simulation/balance/topup', token: ctx.user.token, json: { profileId: ctx.user.profileId, balanceId: gbp.id, currency: 'GBP', amount: 1000 } });
    expect(topup.body).toMatchObject({ state: 'COMPLETED', balancesAfter: [{ id: gbp.id, value: 1010, currency: 'GBP' }] });
  });

  it('challenges funding with SCA when enabled, and approves a retry signed with the partner key', async () => {
    const ctx = await readyToSend();
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await fetch(`${base}/__simulator/sca/public-key`, { method: 'POST', body: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    await fetch(`${base}/__simulator/profiles/${ctx.user.profileId}/sca`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ required: true }) });
    const transfer = (await create(ctx)).body;
    const call = { method: 'POST' as const, path: '/v3/profiles/{profileId}/transfers/{transferId}/payments', params: { profileId: ctx.user.profileId, transferId: transfer.id }, token: ctx.user.token, json: { type: 'BALANCE' } };
    const challenged = await wise(call);
    expect(challenged.status).toBe(403);
    expect(challenged.body).toEqual({ error: 'forbidden' });
    expect(challenged.headers.get('x-2fa-approval-result')).toBe('REJECTED');
    const ott = challenged.headers.get('x-2fa-approval')!;
    const signature = signRsaSha256(ott, createPrivateKey(keys.privateKey.export({ type: 'pkcs8', format: 'pem' })));
    const approved = await wise({ ...call, headers: { 'x-2fa-approval': ott, 'X-Signature': signature } });
    expect(approved.status).toBe(200);
    expect(approved.headers.get('x-2fa-approval-result')).toBe('APPROVED');
    const replay = await wise({ ...call, headers: { 'x-2fa-approval': ott, 'X-Signature': signature } });
    expect(replay.status).toBe(403);
  });

  it('lists and cancels transfers; another user gets 403 and an unknown id 404', async () => {
    const ctx = await readyToSend();
    const transfer = (await create(ctx)).body;
    const listed = await wise({ method: 'GET', path: '/v1/transfers', token: ctx.user.token, query: { profile: ctx.user.profileId, status: 'incoming_payment_waiting', limit: 10, offset: 0 } });
    expect(listed.body.map((t: any) => t.id)).toEqual([transfer.id]);
    const cancelled = await wise({ method: 'PUT', path: '/v1/transfers/{transferId}/cancel', params: { transferId: transfer.id }, token: ctx.user.token });
    expect(cancelled.body.status).toBe('cancelled');
    const stranger = await partnerUser();
    const foreign = await wise({ method: 'GET', path: '/v1/transfers/{transferId}', params: { transferId: transfer.id }, token: stranger.token });
    expect(foreign.status).toBe(403);
    const unknown = await wise({ method: 'GET', path: '/v1/transfers/{transferId}', params: { transferId: 1 }, token: stranger.token });
    expect(unknown.status).toBe(404);
  });
});

describe('controls', () => {
  it('injects 429 with Retry-After, 503, and a dropped connection on the next calls to a path', async () => {
    const user = await partnerUser();
    const arm = (body: object) => fetch(`${base}/__simulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await arm({ path: '/v1/me', kind: 'rate_limit', retryAfterSeconds: 3 });
    await arm({ path: '/v1/me', kind: 'status', status: 503 });
    await arm({ path: '/v1/me', kind: 'drop' });
    const limited = await wise({ method: 'GET', path: '/v1/me', token: user.token });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.headers.get('x-rate-limited-by')).toBe('wise-public-api');
    expect((await wise({ method: 'GET', path: '/v1/me', token: user.token })).status).toBe(503);
    await expect(wise({ method: 'GET', path: '/v1/me', token: user.token })).rejects.toThrow();
    expect((await wise({ method: 'GET', path: '/v1/me', token: user.token })).status).toBe(200);
  });

  it('holds a request unanswered for a timeout, and loses the response of a call that did happen', async () => {
    const user = await partnerUser();
    const arm = (body: object) => fetch(`${base}/__simulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await arm({ method: 'GET', path: '/v2/profiles', kind: 'timeout' });
    await expect(fetch(`${base}/v2/profiles`, { headers: { authorization: `Bearer ${user.token}` }, signal: AbortSignal.timeout(300) })).rejects.toThrow();
    await arm({ method: 'POST', path: '/v3/profiles/:profileId/quotes', kind: 'lose_response' });
    const before = Object.keys(sim.core.state.quotes).length;
    await expect(
      wise({ method: 'POST', path: '/v3/profiles/{profileId}/quotes', params: { profileId: user.profileId }, token: user.token, json: { sourceCurrency: 'GBP', targetCurrency: 'EUR', sourceAmount: 20 } }),
    ).rejects.toThrow();
    expect(Object.keys(sim.core.state.quotes).length).toBe(before + 1);
  });

  it('records calls with their status but never a token', async () => {
    const user = await partnerUser();
    await wise({ method: 'GET', path: '/v1/me', token: user.token });
    const calls = await (await fetch(`${base}/__simulator/calls?path=/v1/me`)).json();
    expect(calls.at(-1)).toMatchObject({ method: 'GET', path: '/v1/me', status: 200, auth: 'user' });
    expect(JSON.stringify(calls)).not.toContain(user.token);
  });
});

describe('coverage', () => {
  it('exercised every operation of the OpenAPI subset', () => {
    expect(allOperations.filter((op) => !exercised.has(op))).toEqual([]);
  });
});
