/**
 * Prometheus metrics (prom-client) on a registry of the gateway's own — never prom-client's
 * global one, so two gateways in one process (the tests) do not mix their numbers — served on
 * a port of its own (METRICS_PORT), away from the public GraphQL port.
 *
 * Every family is listed in README.md ("Operating it"); deploy/grafana-dashboard.json reads
 * these names. Labels are bounded: operation names are capped (OPERATION_NAME_LIMIT, then
 * "other"), Wise endpoints are path templates (/v1/transfers/{id}), never ids.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServerPlugin } from '@apollo/server';
import { getOperationAST } from 'graphql';
import client from 'prom-client';
import { synchronous } from '../lib/synchronous-hook.js';
import { CountedCounter, CountedHistogram } from './counted-series.js';

/** Distinct operation names kept as labels; beyond that they count under "other". */
const OPERATION_NAME_LIMIT = 200;

/** What one pool looks like now (pg.Pool's own counters). */
export type PoolStats = { totalCount: number; idleCount: number; waitingCount: number };

export class Metrics {
  readonly registry = new client.Registry();

  // Touched by every GraphQL request: counted in plain numbers, handed to prom-client at a scrape.
  readonly graphqlOperations = new CountedCounter({
    name: 'gateway_graphql_operations_total',
    help: 'GraphQL operations by operation name, type and outcome (ok, error)',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly graphqlErrors = new client.Counter({
    name: 'gateway_graphql_errors_total',
    help: 'GraphQL errors by operation name and extensions.code',
    labelNames: ['operation', 'code'] as const,
    registers: [this.registry],
  });
  readonly graphqlDuration = new CountedHistogram({
    name: 'gateway_graphql_operation_duration_seconds',
    help: 'GraphQL operation latency over HTTP, from request to response, by operation name and type',
    labelNames: ['operation', 'type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly wiseCalls = new client.Counter({
    name: 'gateway_wise_calls_total',
    help: 'Calls to Wise (each attempt) by method, endpoint template and status ("error" when no answer came)',
    labelNames: ['method', 'endpoint', 'status'] as const,
    registers: [this.registry],
  });
  readonly wiseDuration = new client.Histogram({
    name: 'gateway_wise_call_duration_seconds',
    help: 'Latency of calls to Wise (each attempt) by method and endpoint template',
    labelNames: ['method', 'endpoint'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly webhookLag = new client.Histogram({
    name: 'gateway_webhook_lag_seconds',
    help: "Time from Wise's occurred_at to the event being applied here, by event type",
    labelNames: ['event_type'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers: [this.registry],
  });
  readonly webhooksReceived = new client.Counter({
    name: 'gateway_webhooks_received_total',
    help: 'Webhook deliveries received by outcome (accepted, duplicate, refused)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly tokenRefreshes = new client.Counter({
    name: 'gateway_wise_token_refreshes_total',
    help: 'User token refreshes at Wise by outcome (refreshed, registration_code, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly relinks = new client.Counter({
    name: 'gateway_wise_relinks_total',
    help: 'Links that became RELINK_REQUIRED, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly reconciliationDiscrepancies = new client.Counter({
    name: 'gateway_reconciliation_discrepancies_total',
    help: 'Discrepancies found by reconciliation runs, by kind and whether they were repaired',
    labelNames: ['kind', 'repaired'] as const,
    registers: [this.registry],
  });

  readonly responseCache = new CountedCounter({
    name: 'gateway_response_cache_total',
    help: 'Cacheable GraphQL reads by outcome: hit (served from memory), stale (the customer\'s data changed since), miss',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly operationNames = new Set<string>();
  /** Each series of the per-request families, made once. */
  private readonly responseCacheOutcomes = new Map<string, { inc(): void }>();
  private readonly operations = new Map<string, { ok: { inc(): void }; error: { inc(): void }; duration: { observe(value: number): void } }>();
  private readonly pools = new Map<string, () => PoolStats>();

  constructor() {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
    this.gauge('gateway_db_pool_connections', 'PostgreSQL pool connections by pool and state (total, idle, waiting)', ['pool', 'state'], (set) => {
      for (const [pool, stats] of this.pools) {
        const s = stats();
        set({ pool, state: 'total' }, s.totalCount);
        set({ pool, state: 'idle' }, s.idleCount);
        set({ pool, state: 'waiting' }, s.waitingCount);
      }
    });
  }

  /** A gauge read when Prometheus scrapes (pool sizes, queue depths, live sockets). */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[], read: (set: (labels: Partial<Record<L, string>>, value: number) => void) => Promise<void> | void): void {
    new client.Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        await read((labels, value) => this.set(labels as never, value));
      },
    });
  }

  /** Connections of a pg pool: total, idle, and callers waiting for one. */
  pool(name: string, stats: () => PoolStats): void {
    this.pools.set(name, stats);
  }


  /** A bounded label for a client-chosen operation name. */
  operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= OPERATION_NAME_LIMIT || !/^[_A-Za-z][_0-9A-Za-z]{0,99}$/.test(name)) return 'other';
    this.operationNames.add(name);
    return name;
  }

  recordWiseCall(method: string, endpoint: string, status: number | null, durationMs: number): void {
    this.wiseCalls.inc({ method, endpoint, status: status === null ? 'error' : String(status) });
    this.wiseDuration.observe({ method, endpoint }, durationMs / 1000);
  }

  recordWebhookApplied(eventType: string, occurredAt: Date | null): void {
    if (!occurredAt) return;
    this.webhookLag.observe({ event_type: eventType }, Math.max(0, (Date.now() - occurredAt.getTime()) / 1000));
  }

  /**
   * Rate, errors and latency of every GraphQL operation over HTTP, recorded in one hook at the
   * response, when the operation, its outcome and its errors are all known: every hook a plugin
   * adds is one more awaited call on every request, and this runs on all of them. The hooks are
   * not `async`: Apollo awaits whatever they return, and an async function would make a promise
   * per hook per request for nothing.
   */
  apolloPlugin(): ApolloServerPlugin {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the plugin's hooks are called with Apollo's `this`
    const metrics = this;
    return {
      requestDidStart: synchronous(() => {
        const started = process.hrtime.bigint();
        return {
          willSendResponse: synchronous(({ request, operation, operationName, document, errors, response }) => {
            // A document that parsed but failed validation still names its operation.
            const op = operation ?? (document ? getOperationAST(document, request.operationName) : null);
            const name = metrics.operationLabel(operation ? operationName : (op?.name?.value ?? request.operationName));
            const type = op?.operation ?? 'unknown';
            for (const error of errors ?? []) metrics.graphqlErrors.inc({ operation: name, code: typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR' });
            const failed = Boolean(errors?.length) || (response.body.kind === 'single' && Boolean(response.body.singleResult.errors?.length));
            const series = metrics.operationSeries(name, type);
            (failed ? series.error : series.ok).inc();
            series.duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
          }),
        };
      }),
    };
  }

  /** A cacheable read's outcome (hit, stale, miss), on every cached page: its child made once. */
  countResponseCache(outcome: string): void {
    let counter = this.responseCacheOutcomes.get(outcome);
    if (!counter) this.responseCacheOutcomes.set(outcome, (counter = this.responseCache.child({ outcome })));
    counter.inc();
  }

  /** One operation's series, made once. */
  private operationSeries(operation: string, type: string) {
    const key = `${type} ${operation}`;
    let series = this.operations.get(key);
    if (!series) {
      series = {
        ok: this.graphqlOperations.child({ operation, type, outcome: 'ok' }),
        error: this.graphqlOperations.child({ operation, type, outcome: 'error' }),
        duration: this.graphqlDuration.child({ operation, type }),
      };
      this.operations.set(key, series);
    }
    return series;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

export type MetricsServer = { url: string; port: number; close(): Promise<void> };

/** GET /metrics on a listener of its own; nothing else is served there. */
export async function startMetricsServer(metrics: Metrics, listen: { host: string; port: number }): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; metrics are at /metrics\n');
      return;
    }
    metrics.text().then(
      (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics could not be collected: ${error.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = listen.host === '0.0.0.0' || listen.host === '::' ? 'localhost' : listen.host;
  return {
    url: `http://${host}:${port}/metrics`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
