/**
 * OpenTelemetry traces, as a platform team's collector receives them: the gateway runs as
 * `npm start` does (a process of its own, OTEL_EXPORTER_OTLP_ENDPOINT set) and exports OTLP/HTTP
 * to a collector this test plays — an in-memory span store behind the OTLP endpoint. A
 * createTransfer sent with a W3C traceparent continues that trace, and the trace has spans for
 * the GraphQL operation, its SQL statements and its calls to Wise.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mintCustomerToken } from '../src/http/auth.js';
import { decideTracingAtEdge, leftOutAtEdge, tracedAtEdge } from '../src/ops/edge-sampling.js';
import { childSpansOnly, PgInstrumentationForTracedWork, ScopedContextManager, tracedWorkOnly } from '../src/ops/tracing.js';
import { ROOT_CONTEXT, context, defaultTextMapSetter, isSpanContextValid, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { defaultSimulatorOptions, startSimulator, type Simulator } from '../src/simulator/server.js';
import { createTestDatabase } from './support/database.js';
import { TEST_JWT_SECRET } from './support/gateway.js';
import { CREATE_TRANSFER } from './support/journey.js';
import { quoteAndRecipient, readyOn } from './support/replica-journey.js';
import { kill, startReplica, type Replica } from './support/replicas.js';

/** OTLP's span kinds. */
const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

type ExportedSpan = { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes: Record<string, unknown> };

/** The in-memory exporter at the far end of OTLP/HTTP: every span the gateway exported. */
const spans: ExportedSpan[] = [];
let collector: http.Server;
let collectorUrl: string;
let sim: Simulator;
let replica: Replica;
let databaseUrl: string;
/** The customer is onboarded once, by whichever test runs first. */
let onboarded: Promise<unknown> | undefined;
const ready = () => (onboarded ??= readyOn(replica, sim));

function attributesOf(list: { key: string; value: Record<string, unknown> }[] = []): Record<string, unknown> {
  return Object.fromEntries(list.map((a) => [a.key, Object.values(a.value)[0]]));
}

beforeAll(async () => {
  collector = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const payload = JSON.parse(body);
        for (const resource of payload.resourceSpans ?? []) {
          for (const scope of resource.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) spans.push({ ...span, attributes: attributesOf(span.attributes) });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  sim = await startSimulator(defaultSimulatorOptions({ clientId: 'trace-client', clientSecret: 'trace-secret', webhookRetryBaseMs: 200 }));
  databaseUrl = await createTestDatabase();
  replica = await startReplica({ sim, databaseUrl, clientId: 'trace-client', clientSecret: 'trace-secret', env: { OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl, LOG_LEVEL: 'warn' } });
});
afterAll(async () => {
  if (replica) await kill(replica.child);
  await sim?.stop();
  collector?.close();
});

describe('tracing', () => {
  it('continues the caller\'s traceparent: createTransfer has spans for the operation, its SQL and its Wise calls', { timeout: 240_000 }, async () => {
    await ready();
    const { quoteId, recipientId } = await quoteAndRecipient(replica);

    const traceId = randomBytes(16).toString('hex');
    const parentSpanId = randomBytes(8).toString('hex');
    const token = await mintCustomerToken(TEST_JWT_SECRET, 'cust-alice', { expiresIn: '1h' });
    const response = await fetch(`${replica.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, traceparent: `00-${traceId}-${parentSpanId}-01` },
      body: JSON.stringify({ query: CREATE_TRANSFER, variables: { quoteId, recipientId, key: randomUUID() }, operationName: 'T' }),
    });
    expect((await response.json()).data.createTransfer.__typename).toBe('TransferCreated');

    const inTrace = () => spans.filter((s) => s.traceId === traceId);
    const has = (predicate: (s: ExportedSpan) => boolean) => inTrace().some(predicate);
    // Batches leave every few seconds: wait for the Wise call's span, the last to end.
    await expect.poll(() => has((s) => String(s.attributes['url.full'] ?? '').endsWith('/v1/transfers')), { timeout: 60_000, interval: 500 }).toBe(true);
    await expect.poll(() => has((s) => s.name === 'graphql mutation T'), { timeout: 30_000, interval: 500 }).toBe(true);

    // The inbound request's span is a child of the caller's span: traceparent honoured.
    const server = inTrace().find((s) => s.kind === SERVER && s.parentSpanId === parentSpanId);
    expect(server, JSON.stringify(inTrace().map((s) => s.name))).toBeDefined();
    // Named by its route, as a platform team groups requests.
    expect(server!.attributes['http.route']).toBe('/graphql');
    expect(server!.name).toBe('POST /graphql');
    // Every route the gateway mounts is named so, not only /graphql.
    const pageTrace = randomBytes(16).toString('hex');
    await fetch(`${replica.url}/onboarding/result?status=linked`, { headers: { traceparent: `00-${pageTrace}-${randomBytes(8).toString('hex')}-01` } });
    await expect.poll(() => spans.find((s) => s.traceId === pageTrace && s.kind === SERVER)?.name, { timeout: 60_000, interval: 500 }).toBe('GET /onboarding/result');
    // Its SQL: statements on the gateway's tables, from the pg instrumentation.
    const sql = inTrace().filter((s) => s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql');
    expect(sql.length).toBeGreaterThan(0);
    expect(sql.map((s) => String(s.attributes['db.statement'] ?? s.attributes['db.query.text'] ?? '')).join('\n')).toMatch(/transfer/);
    // Its Wise calls: client spans with Wise's URL, method and status.
    const wise = inTrace().filter((s) => s.kind === CLIENT && String(s.attributes['url.full'] ?? '').startsWith(sim.url));
    expect(wise.map((s) => s.attributes['http.request.method'])).toContain('POST');
    expect(wise.find((s) => String(s.attributes['url.full']).endsWith('/v1/transfers'))?.attributes['http.response.status_code']).toBe(200);
    // Probes are not traced.
    await fetch(`${replica.url}/readyz`);
    expect(spans.some((s) => String(s.attributes['url.path'] ?? s.attributes['http.target'] ?? '') === '/readyz')).toBe(false);
  });

  it('leaves out what the sampler left out, and only that: an unsampled createTransfer runs untraced, the next sampled read is traced', { timeout: 240_000 }, async () => {
    await ready();
    const { quoteId, recipientId } = await quoteAndRecipient(replica);
    const token = await mintCustomerToken(TEST_JWT_SECRET, 'cust-alice', { expiresIn: '1h' });
    const send = (traceId: string, flags: string, query: string, variables: Record<string, unknown>) =>
      fetch(`${replica.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-${flags}` },
        body: JSON.stringify({ query, variables }),
      }).then((r) => r.json());

    const unsampled = randomBytes(16).toString('hex');
    const callsBefore = sim.core.calls.length;
    expect((await send(unsampled, '00', CREATE_TRANSFER, { quoteId, recipientId, key: randomUUID() })).data.createTransfer.__typename).toBe('TransferCreated');
    // Its calls to Wise carry no trace of ours (graphql-js's execute span used to lend them one).
    const wiseCalls = sim.core.calls.slice(callsBefore).filter((c) => c.path.startsWith('/v1/') || c.path.startsWith('/v3/'));
    expect(wiseCalls.length).toBeGreaterThan(0);
    expect(wiseCalls.map((c) => c.traceparent)).toEqual(wiseCalls.map(() => null));
    const sampled = randomBytes(16).toString('hex');
    expect((await send(sampled, '01', '{ transfers(first: 1) { edges { node { id } } } }', {})).data.transfers.edges).toHaveLength(1);

    // The sampled read's SQL arrives: the untraced request left nothing suppressed behind it.
    const sqlOf = (traceId: string) => spans.filter((s) => s.traceId === traceId && (s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql'));
    await expect.poll(() => sqlOf(sampled).length, { timeout: 60_000, interval: 500 }).toBeGreaterThan(0);
    expect(spans.filter((s) => s.traceId === unsampled)).toEqual([]);
    // Nor did it leave traces of its own: every span exported hangs from a request or a job.
    const orphans = spans.filter((s) => !s.parentSpanId && s.kind !== SERVER && s.kind !== CONSUMER);
    expect(orphans.map((s) => s.name)).toEqual([]);
    // And its statements went around pg's instrumentation: the gateway trimmed its patches
    // (ops/tracing.ts, pgSpansForTracedWorkOnly) or says it could not.
    expect(replica.output()).not.toMatch(/pg was not instrumented as expected/);
  });

  it("is a trace of its own for a job: the reconciliation's SQL and Wise reads hang from the job's span", { timeout: 240_000 }, async () => {
    await ready();
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      await db.query("select graphile_worker.add_job('reconcile_transfers', json_build_object('requestId', $1::text))", [randomUUID()]);
    } finally {
      await db.end();
    }
    const job = () => spans.find((s) => s.name === 'job reconcile_transfers' && !s.parentSpanId);
    await expect.poll(() => job(), { timeout: 60_000, interval: 500 }).toBeDefined();
    expect(job()!.kind).toBe(CONSUMER);
    const inJob = () => spans.filter((s) => s.traceId === job()!.traceId);
    await expect.poll(() => inJob().some((s) => s.kind === CLIENT && String(s.attributes['url.full'] ?? '').startsWith(sim.url)), { timeout: 30_000, interval: 500 }).toBe(true);
    expect(inJob().some((s) => s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql')).toBe(true);
  });
});

describe('who is traced, decided before any span exists', () => {
  const id = (n: number) => n.toString(16).padStart(32, '0');
  const parent = (flags: string) => `00-${id(0xabc)}-${'1'.repeat(16)}-${flags}`;

  it("follows a valid traceparent's sampled flag, whatever the ratio", () => {
    expect(tracedAtEdge(parent('01'), 0)).toBe(true);
    expect(tracedAtEdge(parent('00'), 1)).toBe(false);
    // A header sent twice: the first counts, as the propagator reads it.
    expect(tracedAtEdge([parent('01'), parent('00')], 0)).toBe(true);
  });

  it('keeps new traces, and those whose traceparent is malformed, at the ratio', () => {
    for (const header of [undefined, '', 'garbage', `00-${'0'.repeat(32)}-${'1'.repeat(16)}-01`, `ff-${id(1)}-${'1'.repeat(16)}-01`]) {
      expect(tracedAtEdge(header, 0.1, () => 0.05)).toBe(true);
      expect(tracedAtEdge(header, 0.1, () => 0.5)).toBe(false);
    }
    let traced = 0;
    for (let i = 0; i < 10_000; i += 1) if (tracedAtEdge(undefined, 0.1)) traced += 1;
    expect(traced).toBeGreaterThan(800);
    expect(traced).toBeLessThan(1200);
  });

  it("hands a traced request on as it came: no mark on it, the same own properties as an untraced one's", async () => {
    const server = http.createServer();
    const ownKeys: Record<string, (string | symbol)[]> = {};
    const handled = (name: string, req: http.IncomingMessage, res: http.ServerResponse) => {
      ownKeys[name] = Reflect.ownKeys(req);
      // The instrumentation's own hook asks again for the request the edge kept: kept it is.
      if (name === 'instrumented') expect(leftOutAtEdge(req, 0)).toBe(false);
      res.end();
    };
    // What the HTTP instrumentation leaves on a server: its own emit in front of EventEmitter's.
    const plain = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
    server.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event !== 'request') return plain(event, ...args);
      handled('instrumented', args[0] as http.IncomingMessage, args[1] as http.ServerResponse);
      return true;
    }) as typeof server.emit;
    server.on('request', (req, res) => handled('plain', req, res));
    decideTracingAtEdge(server, 0);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await fetch(`${base}/graphql`, { headers: { traceparent: parent('01') } });
      await fetch(`${base}/graphql`, { headers: { traceparent: parent('00') } });
    } finally {
      server.close();
    }
    expect(Object.keys(ownKeys).sort()).toEqual(['instrumented', 'plain']);
    expect(ownKeys.instrumented).toEqual(ownKeys.plain);
  });
});

describe("the libraries' spans, only beneath a request's or a job's", () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = childSpansOnly(provider).getTracer('test');
  const sentWith = (span: ReturnType<typeof tracer.startSpan>) => {
    const carrier: Record<string, string> = {};
    new W3CTraceContextPropagator().inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
    return carrier.traceparent;
  };

  it('builds nothing outside one: no trace id, nothing exported, no traceparent sent on', () => {
    const orphan = tracer.startSpan('graphql.execute', {}, ROOT_CONTEXT);
    orphan.end();
    expect(isSpanContextValid(orphan.spanContext())).toBe(false);
    expect(orphan.isRecording()).toBe(false);
    expect(sentWith(orphan)).toBeUndefined();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it("builds a child beneath a request's span, in its trace", () => {
    const request = provider.getTracer('edge').startSpan('POST /graphql');
    const child = tracer.startSpan('pg.query', {}, trace.setSpan(ROOT_CONTEXT, request));
    child.end();
    request.end();
    expect(child.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(sentWith(child)).toBe(`00-${request.spanContext().traceId}-${child.spanContext().spanId}-01`);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['pg.query', 'POST /graphql']);
    // A library asking for a root of its own gets nothing either.
    expect(isSpanContextValid(tracer.startSpan('x', { root: true }, trace.setSpan(ROOT_CONTEXT, request)).spanContext())).toBe(false);
  });
});

describe("pg's instrumentation, paid for by traced work only", () => {
  // This process's pg, patched by the instrumentation as the gateway's is when it loads it.
  // Test files run in processes of their own (vitest's forks).
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const instrumentation = new PgInstrumentationForTracedWork({ enabled: false, requireParentSpan: true, ignoreConnectSpans: true });
  const PgPool = Object.getPrototypeOf(pg.Pool) as typeof pg.Pool;
  const unpatched = { query: pg.Client.prototype.query, connect: pg.Client.prototype.connect, poolConnect: PgPool.prototype.connect };
  /** What the loader does when pg is loaded: once by the gateway's import, again by knex's require. */
  const patchAsLoaded = () => {
    for (const definition of instrumentation.getModuleDefinitions()) definition.patch?.(definition.name === 'pg' ? pg : PgPool);
  };
  let pool: pg.Pool;
  const tracedRequest = () => trace.setSpan(ROOT_CONTEXT, provider.getTracer('edge').startSpan('POST /graphql'));
  const statementSpans = () => exporter.getFinishedSpans().filter((s) => s.name.startsWith('pg.query'));

  beforeAll(async () => {
    context.setGlobalContextManager(new ScopedContextManager());
    instrumentation.setTracerProvider(childSpansOnly(provider));
    patchAsLoaded();
    expect(pg.Client.prototype.query).not.toBe(unpatched.query);
    expect(tracedWorkOnly(pg.Client.prototype)).toBe(true);
    pool = new pg.Pool({ connectionString: await createTestDatabase(), max: 1 });
  });
  afterAll(async () => {
    await pool?.end();
    Object.assign(pg.Client.prototype, { query: unpatched.query, connect: unpatched.connect });
    PgPool.prototype.connect = unpatched.poolConnect;
    context.disable();
  });

  it("gives a statement under a traced request its span, in the request's trace", async () => {
    exporter.reset();
    const request = tracedRequest();
    const rows = await context.with(request, () => pool.query('select 1 as one'));
    expect(rows.rows).toEqual([{ one: 1 }]);
    expect(statementSpans().map((s) => s.spanContext().traceId)).toEqual([trace.getSpan(request)!.spanContext().traceId]);
    expect(statementSpans()[0].attributes['db.query.text']).toBe('select 1 as one');
  });

  it("runs an untraced statement as pg's own, and leaves the pool without the instrumentation's listeners", async () => {
    await context.with(tracedRequest(), () => pool.query('select 1')); // a traced request checked a connection out first
    exporter.reset();
    const consulted = vi.spyOn(instrumentation, 'getConfig');
    const { rows } = await pool.query('select 2 as two');
    expect(rows).toEqual([{ two: 2 }]);
    // Its wrapper reads the configuration first thing, on every statement it sees.
    expect(consulted).not.toHaveBeenCalled();
    expect(exporter.getFinishedSpans()).toEqual([]);
    // Its pool-use metrics listened to every checkout and release, and fed no meter.
    expect(['connect', 'acquire', 'release', 'remove'].map((event) => pool.listenerCount(event))).toEqual([0, 0, 0, 0]);
    consulted.mockRestore();
  });

  it('stays so when pg is patched again, as it is when a second route loads it: one span a traced statement, none around an untraced one', async () => {
    patchAsLoaded();
    expect(tracedWorkOnly(pg.Client.prototype)).toBe(true);
    exporter.reset();
    await context.with(tracedRequest(), () => pool.query('select 3'));
    expect(statementSpans()).toHaveLength(1);
    const consulted = vi.spyOn(instrumentation, 'getConfig');
    await pool.query('select 4');
    expect(consulted).not.toHaveBeenCalled();
    consulted.mockRestore();
  });
});
