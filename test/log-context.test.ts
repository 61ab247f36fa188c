/**
 * Correlated logs: every line written while serving a request carries its request id, customer
 * and operation name — the unexpected-error line when the database is gone included — and every
 * Wise call the request made is stored with the same request id (`wise_call.request_id`), so a
 * slow request can be joined to its calls. Error codes stay readable; secrets never appear.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startGateway, type Gateway } from '../src/gateway.js';
import { mintCustomerToken } from '../src/http/auth.js';
import { createLogger } from '../src/logger.js';
import { createTestDatabase, sql } from './support/database.js';
import { TEST_JWT_SECRET } from './support/gateway.js';

const lines: Record<string, any>[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});

let gateway: Gateway;
let databaseUrl: string;
let token: string;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    SEED_DEMO_DATA: 'true',
    SIMULATOR_PORT: '0',
    ONBOARDING_MODEL: 'partner_kyc',
  });
  gateway = await startGateway(config, createLogger(config.logLevel, sink));
  token = await mintCustomerToken(TEST_JWT_SECRET, 'cust-alice', { expiresIn: '1h' });
});
afterAll(async () => {
  const database = new URL(databaseUrl).pathname.slice(1);
  await sql(databaseUrl.replace(/\/[^/]+$/, '/postgres'), `alter database "${database}" allow_connections true`).catch(() => undefined);
  await gateway?.stop();
});

async function graphql(query: string, requestId: string) {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: await response.json() };
}

describe('log lines and Wise calls of a request', () => {
  it('stores the inbound request id on every Wise call the request made', { timeout: 120_000 }, async () => {
    const requestId = `req-${randomUUID()}`;
    const { body } = await graphql('mutation Onboard { createWiseAccount { __typename } }', requestId);
    expect(body.data.createWiseAccount.__typename).toBe('WiseAccountCreated');
    await expect
      .poll(async () => (await sql<{ path: string }>(databaseUrl, 'select path from wise_call where request_id = $1', [requestId])).map((r) => r.path), { timeout: 30_000 })
      .toEqual(expect.arrayContaining(['/v1/user/signup/registration_code']));
    const access = lines.find((l) => l.msg === 'request' && l.requestId === requestId);
    expect(access).toMatchObject({ customerId: 'cust-alice', operationName: 'Onboard', status: 200 });
  });

  it('with the database gone, the unexpected-error line carries request id, customer and operation, and its error code', { timeout: 120_000 }, async () => {
    const database = new URL(databaseUrl).pathname.slice(1);
    const admin = databaseUrl.replace(/\/[^/]+$/, '/postgres');
    await sql(admin, `alter database "${database}" allow_connections false`);
    await sql(admin, 'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);

    const requestId = `req-${randomUUID()}`;
    const { body } = await graphql('query WhoAmI { viewer { bankCustomerId } }', requestId);
    expect(body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    const failure = lines.find((l) => l.level >= 50 && l.requestId === requestId);
    expect(failure).toMatchObject({ requestId, customerId: 'cust-alice', operationName: 'WhoAmI' });
    // The database's own error code is kept (3D000 / 55000 …), never "[redacted]".
    expect(failure!.err.code ?? failure!.err.message).toBeTruthy();
    expect(JSON.stringify(failure)).not.toContain('[redacted]');
    expect(JSON.stringify(lines)).not.toContain(token);
    // The ORM driver's own complaint is a JSON line too (it was plain text on stdout).
    expect(lines.some((l) => l.component === 'knex' && /Connection Error/.test(l.msg))).toBe(true);
  });
});

describe('redaction', () => {
  it('keeps error codes such as ECONNREFUSED visible while secrets and OAuth codes are removed', () => {
    const out: string[] = [];
    const logger = createLogger('info', new Writable({ write: (c, _e, done) => (out.push(c.toString()), done()) }));
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    logger.error({ err: refused, query: { code: 'oauth-code-123', state: 's' }, wise: { refresh_token: 'rt-1' } }, 'database unreachable');
    const line = JSON.parse(out[0]);
    expect(line.err.code).toBe('ECONNREFUSED');
    expect(line.query.code).toBe('[redacted]');
    expect(out[0]).not.toMatch(/oauth-code-123|rt-1/);
  });
});
