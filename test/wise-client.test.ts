/**
 * The Wise HTTP client against the simulator's fault controls: what is retried, how long it
 * waits, what is never retried, and what the audit records.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { defaultSimulatorOptions, startSimulator, type Simulator } from '../src/simulator/server.js';
import { WiseError } from '../src/wise/errors.js';
import { WiseHttp, type AuditRecord } from '../src/wise/http.js';
import { WiseOAuth } from '../src/wise/oauth.js';

let sim: Simulator;
let token: string;
let audit: AuditRecord[];
let waits: number[];
let client: WiseHttp;

beforeAll(async () => {
  sim = await startSimulator(defaultSimulatorOptions({ clientId: 'c', clientSecret: 's' }));
  token = (await new WiseOAuth({ apiUrl: sim.url, clientId: 'c', clientSecret: 's', redirectUri: () => 'x', timeoutMs: 5000, maxRetries: 0, audit: { record: () => {} } }).clientCredentials()).accessToken;
});
afterAll(() => sim?.stop());
beforeEach(async () => {
  audit = [];
  waits = [];
  await fetch(`${sim.url}/__simulator/faults`, { method: 'DELETE' });
  client = new WiseHttp({
    baseUrl: sim.url,
    timeoutMs: 500,
    maxRetries: 3,
    backoffBaseMs: 100,
    backoffCapMs: 5000,
    audit: { record: (e) => audit.push(e) },
    logger: createLogger('silent'),
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
});

const arm = (fault: object) => fetch(`${sim.url}/__simulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
const exists = (retry: boolean) => client.request<{ exists: boolean }>({ method: 'POST', path: '/v1/users/exists', token, json: { email: 'x@y.example' }, retry });

describe('calls to Wise', () => {
  it('retries 5xx and network errors with growing, jittered waits, then succeeds', async () => {
    await arm({ path: '/v1/users/exists', kind: 'status', status: 503, count: 1 });
    await arm({ path: '/v1/users/exists', kind: 'drop', count: 1 });
    const { body } = await exists(true);
    expect(body).toEqual({ exists: false });
    expect(audit.map((a) => a.status)).toEqual([503, null, 200]);
    expect(new Set(audit.map((a) => a.correlationId)).size).toBe(1);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(200);
  });

  it("honours Retry-After on 429", async () => {
    await arm({ path: '/v1/users/exists', kind: 'rate_limit', retryAfterSeconds: 2, count: 1 });
    await exists(true);
    expect(waits).toEqual([2000]);
  });

  it('never repeats a call that is not safe to repeat', async () => {
    await arm({ path: '/v1/users/exists', kind: 'status', status: 500, count: 1 });
    const error = await exists(false).catch((e) => e);
    expect(error).toBeInstanceOf(WiseError);
    expect(error.code).toBe('UNAVAILABLE');
    expect(audit).toHaveLength(1);
  });

  it('times out a call Wise never answers, and gives up after the retries', async () => {
    await arm({ path: '/v1/users/exists', kind: 'timeout', count: 4 });
    const error = await exists(true).catch((e) => e);
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toContain('no answer within 500 ms');
    expect(audit.map((a) => a.error)).toEqual(Array(4).fill('no answer within 500 ms'));
  });

  it("maps Wise's error bodies to the taxonomy, keeping field paths", async () => {
    const error = await client.request({ method: 'POST', path: '/v1/users/exists', token, json: {}, retry: true }).catch((e) => e);
    expect(error).toMatchObject({ code: 'VALIDATION', status: 400, fieldErrors: [{ code: 'NotNull', path: 'email' }] });
    const unauthorized = await client.request({ method: 'GET', path: '/v1/me', token: 'not-a-token', retry: true }).catch((e) => e);
    expect(unauthorized).toMatchObject({ code: 'UNAUTHORIZED', status: 401, oauthError: 'invalid_token' });
    const missing = await client.request({ method: 'GET', path: '/v2/accounts/1', token, retry: true }).catch((e) => e);
    expect(missing.code).toBe('UNAUTHORIZED'); // a client token cannot read recipients
  });

  it('never puts the token in the audit', async () => {
    await exists(true);
    expect(JSON.stringify(audit)).not.toContain(token);
  });
});
