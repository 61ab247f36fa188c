/**
 * Prometheus metrics, as a platform team's scraper sees them: after a short journey (onboarding,
 * a transfer, webhooks, a live subscription, token trouble, a reconciliation run), GET /metrics
 * on the metrics port shows every family documented in README "Operating it", with values that
 * match what happened.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from './support/database.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { localId } from './support/ids.js';
import { client, CREATE_TRANSFER, euroRecipient, FUND_TRANSFER, quote, readyCustomer } from './support/journey.js';
import { deliverState, secondsFromNow } from './support/live.js';
import { subscribe } from './support/subscriptions.js';
import { ONBOARDING_STATUS, simulatorOf } from './support/wise.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc' });
});
afterAll(async () => {
  await gateway?.stop();
});

type Sample = { name: string; labels: Record<string, string>; value: number };

async function scrape(): Promise<Sample[]> {
  const response = await fetch(gateway.metricsServer!.url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const samples: Sample[] = [];
  for (const line of (await response.text()).split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

describe('GET /metrics', () => {
  it('is served on a port of its own, not on the public one', async () => {
    expect(gateway.metricsServer!.port).not.toBe(gateway.http.port);
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(404);
    expect((await fetch(gateway.metricsServer!.url.replace('/metrics', '/other'))).status).toBe(404);
  });

  it('after a short journey shows each family with plausible values', { timeout: 180_000 }, async () => {
    const gql = client(gateway, 'cust-alice');
    const profileId = await readyCustomer(gateway);
    const token = await gateway.token('cust-alice');
    const live = await subscribe(gateway.url, token, 'subscription { transferStatusChanged { sequence status } }');

    const q = await quote(gateway, 'cust-alice', '10');
    const recipientId = await euroRecipient(gateway, 'cust-alice', q.id);
    const created = (await gql(CREATE_TRANSFER, { quoteId: q.id, recipientId, key: randomUUID() })).data.createTransfer.transfer;
    expect((await gql(FUND_TRANSFER, { id: created.id })).data.fundTransfer.__typename).toBe('TransferFunded');
    await deliverState(gateway, created.wiseTransferId, 'outgoing_payment_sent', 'processing', secondsFromNow(0));
    await live.next(60_000);
    // The transfer page read twice: once from the rows, then from memory.
    for (let n = 0; n < 2; n++) expect((await gql('query Page { transfers(first: 5) { edges { node { id status } } } }')).data.transfers.edges).toHaveLength(1);
    // An operation that fails: a field that does not exist.
    const missing = await gql('query Missing { viewer { noSuchField } }');
    expect(missing.errors).toHaveLength(1);

    // Token trouble at Wise: an expired access token is refreshed; a reclaimed account needs a relink.
    const wise = simulatorOf(gateway);
    const userId = (await wise.userByEmail('alice.new@bank.example')).id;
    await wise.control(`/users/${userId}/expire-tokens`);
    expect((await gql(ONBOARDING_STATUS, { refresh: true })).data.onboardingStatus.state).toBe('READY');

    // A reconciliation run that finds a discrepancy it cannot repair.
    await sql(gateway.databaseUrl, "update transfer set funding_state = 'NOT_FUNDED' where id = $1", [localId(created.id)]);
    const requestId = randomUUID();
    await sql(gateway.databaseUrl, "select graphile_worker.add_job('reconcile_transfers', json_build_object('requestId', $1::text))", [requestId]);
    await expect
      .poll(async () => (await sql(gateway.databaseUrl, 'select 1 from reconciliation_run where request_id = $1 and finished_at is not null', [requestId])).length, { timeout: 120_000 })
      .toBe(1);

    await wise.control(`/users/${userId}/reclaim`);
    await wise.control(`/users/${userId}/expire-tokens`);
    expect((await gql(ONBOARDING_STATUS, { refresh: true })).data.onboardingStatus.state).toBe('RELINK_REQUIRED');

    const samples = await scrape();
    // GraphQL: rate, errors and latency per operation name.
    expect(value(samples, 'gateway_graphql_operations_total', { operation: 'T', type: 'mutation', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'gateway_graphql_operations_total', { operation: 'Missing', outcome: 'error' })).toBe(1);
    expect(value(samples, 'gateway_graphql_errors_total', { operation: 'Missing' })).toBe(1);
    expect(value(samples, 'gateway_graphql_operation_duration_seconds_count', { operation: 'F', type: 'mutation' })).toBe(1);
    expect(value(samples, 'gateway_graphql_operation_duration_seconds_sum', { operation: 'F' })).toBeGreaterThan(0);
    // Wise: endpoint templates, never ids; status and latency.
    const wiseEndpoints = samples.filter((s) => s.name === 'gateway_wise_calls_total').map((s) => s.labels.endpoint);
    expect(wiseEndpoints).toEqual(expect.arrayContaining(['/v1/transfers']));
    expect(wiseEndpoints.filter((e) => /\/\d+(\/|$)/.test(e))).toEqual([]);
    expect(value(samples, 'gateway_wise_calls_total', { endpoint: '/v1/transfers', method: 'POST', status: '200' })).toBe(1);
    expect(value(samples, 'gateway_wise_call_duration_seconds_count')).toBe(value(samples, 'gateway_wise_calls_total'));
    // Webhooks: lag from Wise's occurred_at, on the verification and the transfer paths.
    expect(value(samples, 'gateway_webhook_lag_seconds_count', { event_type: 'profiles#verification-state-change' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'gateway_webhook_lag_seconds_count', { event_type: 'transfers#state-change' })).toBeGreaterThanOrEqual(1);
    const lagSum = value(samples, 'gateway_webhook_lag_seconds_sum', { event_type: 'transfers#state-change' });
    expect(lagSum).toBeGreaterThanOrEqual(0);
    expect(lagSum).toBeLessThan(600);
    expect(samples.some((s) => s.name === 'gateway_webhook_inbox_pending')).toBe(true);
    expect(value(samples, 'gateway_webhook_inbox_pending')).toBeGreaterThanOrEqual(0);
    expect(samples.some((s) => s.name === 'gateway_job_queue_depth')).toBe(true);
    // Live sockets and subscriptions on this replica.
    expect(value(samples, 'gateway_websocket_connections')).toBe(1);
    expect(value(samples, 'gateway_subscriptions_active')).toBe(1);
    // Tokens: a refresh, then a relink with its reason.
    expect(value(samples, 'gateway_wise_token_refreshes_total', { outcome: 'refreshed' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'gateway_wise_relinks_total', { reason: 'ACCOUNT_RECLAIMED' })).toBe(1);
    // The transfer page kept in memory: the first read a miss, the second a hit.
    expect(value(samples, 'gateway_response_cache_total', { outcome: 'miss' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'gateway_response_cache_total', { outcome: 'hit' })).toBeGreaterThanOrEqual(1);
    // Database pools.
    expect(value(samples, 'gateway_db_pool_connections', { pool: 'shared', state: 'total' })).toBeGreaterThan(0);
    expect(value(samples, 'gateway_db_pool_connections', { state: 'waiting' })).toBeGreaterThanOrEqual(0);
    // Reconciliation (issue #13): what the run found, by kind and whether it was repaired.
    expect(value(samples, 'gateway_reconciliation_discrepancies_total', { kind: 'WISE_FUNDED_NOT_DEBITED', repaired: 'false' })).toBe(1);
    // And the process itself.
    expect(value(samples, 'gateway_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(profileId).toBeGreaterThan(0);

    await live.close();
    await expect.poll(async () => value(await scrape(), 'gateway_websocket_connections')).toBe(0);
  });
});
