/**
 * OpenTelemetry traces, only when OTEL_EXPORTER_OTLP_ENDPOINT is set: a span per inbound HTTP
 * request (W3C `traceparent` honoured, so the bank's own trace continues here), the express
 * route, the GraphQL operation, every SQL statement (pg, under both the ORM and the plain pool)
 * and every call to Wise (undici, Node's fetch), exported over OTLP/HTTP in batches.
 *
 * Must start before anything it instruments is imported: main.ts starts it, then imports the
 * gateway. The gateway is ESM, so modules are hooked with import-in-the-middle's loader
 * (registered here through node:module), limited to the modules the instrumentations name.
 */
import { EventEmitter } from 'node:events';
import { IncomingMessage } from 'node:http';
import { register } from 'node:module';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import { context, INVALID_SPAN_CONTEXT, isSpanContextValid, ROOT_CONTEXT, SpanKind, trace, type Context, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { leftOutAtEdge, nameTracedRoute } from './edge-sampling.js';
import { ExportFailureReport, ThreadedOtlpExporter, type ExportFailureListener } from './trace-export.js';
import { activeSpan, traceContext } from './trace-scope.js';

export type Tracing = {
  shutdown(): Promise<void>;
  /** Whether untraced statements go around pg's instrumentation now (PgInstrumentationForTracedWork). */
  pgTrimmed(): boolean;
};

/**
 * OpenTelemetry's context kept in the gateway's one async scope (lib/async-scope.ts) instead of
 * an AsyncLocalStorage of its own: a seventh storage, entered by the first traced request, put
 * one more property on every promise of every request after it (bench/README.md, "One scope").
 * The SDK's manager is kept for what it does on top — binding functions and event emitters —
 * through the methods overridden here; its own storage is never entered.
 */
export class ScopedContextManager extends AsyncLocalStorageContextManager {
  override active(): Context {
    return traceContext.getStore() ?? ROOT_CONTEXT;
  }

  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const cb = thisArg == null ? fn : (fn.bind(thisArg) as F);
    return traceContext.run(ctx, cb, ...args);
  }

  override attach(ctx: Context) {
    const restore = traceContext.enter(ctx);
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        restore();
      },
    };
  }

  /**
   * Functions are bound as the SDK binds them; event emitters are left as they are. The SDK
   * binds an emitter by putting its own `on`, `addListener`, `removeListener`… on the object,
   * and the HTTP instrumentation binds each traced request's `req` and `res`: those then had a
   * shape no other request's had, and every function a request passes through — Node's HTTP
   * internals, express, helmet, the body parser, the gateway's handlers — saw two shapes where
   * it had seen one, and ran polymorphic for every request after the first traced one
   * (bench/README.md, "4 December 2026, afternoon"). What the binding was for, a traced
   * request's handlers still in its trace once its body is read, the body parsers the routes
   * use already do: they call back in the context they were called in
   * (test/trace-through-body.test.ts).
   */
  override bind<T>(ctx: Context, target: T): T {
    return target instanceof EventEmitter ? target : super.bind(ctx, target);
  }

  /** The scope is shared: disabling tracing leaves the other slots alone. */
  override disable(): this {
    return this;
  }
}

/**
 * The SDK's root sampler. A server span exists only for a request the edge chose to trace
 * (edge-sampling.ts), so it is kept. A job's span (job-spans.ts, a consumer span) starts a
 * trace of its own, kept at the ratio. Any other root is a library's call made outside both —
 * under a request the edge left out, or a subscription's WebSocket — and is dropped: it would
 * be a trace of one span with no request around it.
 */
class EdgeDecidedSampler implements Sampler {
  private readonly ratio: TraceIdRatioBasedSampler;
  constructor(ratio: number) {
    this.ratio = new TraceIdRatioBasedSampler(ratio);
  }
  shouldSample(context: Context, traceId: string, _name: string, kind: SpanKind) {
    if (kind === SpanKind.SERVER) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    if (kind === SpanKind.CONSUMER) return this.ratio.shouldSample(context, traceId);
    return { decision: SamplingDecision.NOT_RECORD };
  }
  toString(): string {
    return `EdgeDecidedSampler{${this.ratio.toString()}}`;
  }
}

/**
 * The libraries' tracer: a span only beneath a valid one — a request the edge traced, or a job.
 * Anywhere else (a request the edge left out, a subscription's WebSocket) it hands back the
 * invalid span, which records nothing and propagates nothing. Left to the sampler, such a span
 * would still be built, carry a new trace id, become the parent the pg and undici
 * instrumentations look for (so they built spans under it too), and send Wise a `traceparent`
 * of a trace nobody keeps: graphql-js's `execute` span under an untraced mutation did all that.
 */
export function childSpansOnly(provider: TracerProvider): TracerProvider {
  return {
    getTracer(name, version, options) {
      const tracer = provider.getTracer(name, version, options);
      return {
        startSpan(spanName, spanOptions, parent) {
          const under = trace.getSpanContext(parent ?? context.active());
          if (spanOptions?.root || !under || !isSpanContextValid(under)) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
          return tracer.startSpan(spanName, spanOptions, parent);
        },
        // Not used by the instrumentations above; kept whole for any that would.
        startActiveSpan: tracer.startActiveSpan.bind(tracer),
      };
    },
  };
}

/** A method as shimmer (the instrumentations' patcher) leaves it: the unpatched one kept beside. */
type Patched = ((...args: unknown[]) => unknown) & {
  __original?: (...args: unknown[]) => unknown;
  __wrapped?: boolean;
  __unwrap?: () => void;
  tracedWorkOnly?: true;
};

/**
 * pg's instrumentation, paid for by traced work only. It patches pg's `Client.prototype.query`
 * and `connect` and pg-pool's `Pool.prototype.connect` for the whole process, and its wrappers
 * ran on every statement — a cached read's one included — before finding no span to hang one
 * from (`requireParentSpan`); once a traced request had checked out a connection, the pool also
 * carried its listeners for the OpenTelemetry metrics of pool use, run at every checkout and
 * release (bench/README.md, "4 December 2026, morning"). After each of its patches:
 *
 * - `query` goes to the instrumentation only under a span (a traced request, a job), and
 *   straight to pg's own otherwise, as the edge hands untraced requests around the HTTP
 *   instrumentation (edge-sampling.ts);
 * - both `connect`s are pg's own again: with `ignoreConnectSpans` they made no span, and the
 *   pool metrics they set up go to no meter — the gateway's pool use is prom-client's
 *   (ops/database-gauges.ts).
 *
 * "Each": pg is patched once per route it is loaded by — the gateway's ESM import, then knex's
 * require — and a patch made after a one-off trim wrapped the trimmed `query` again.
 */
export class PgInstrumentationForTracedWork extends PgInstrumentation {
  protected override init() {
    const definitions = super.init();
    for (const target of definitions.flatMap((definition) => [definition, ...definition.files])) {
      const patch = target.patch?.bind(target);
      if (!patch) continue;
      target.patch = (moduleExports: unknown, version?: string) => {
        const patched = patch(moduleExports, version);
        trimPg(moduleExports);
        return patched;
      };
    }
    return definitions;
  }
}

/** Whether statements outside a span go around the instrumentation on this Client prototype. */
export function tracedWorkOnly(clientPrototype: object): boolean {
  return (clientPrototype as { query: Patched }).query.tracedWorkOnly === true;
}

/** What the instrumentation patched: pg's exports (Client in them), a Client class, or pg-pool's Pool class. */
function trimPg(moduleExports: unknown): void {
  const loaded = (
    (moduleExports as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'Module' ? (moduleExports as { default: unknown }).default : moduleExports
  ) as {
    Client?: { prototype: object };
    prototype?: object;
  };
  const prototype = (loaded.Client ?? loaded).prototype as Partial<Record<'query' | 'connect', Patched>> | undefined;
  if (!prototype) return;
  if (prototype.connect?.__original) prototype.connect = prototype.connect.__original;
  const instrumented = prototype.query;
  const plain = instrumented?.__original;
  if (!instrumented || !plain || instrumented.tracedWorkOnly) return;
  const query: Patched = function query(this: unknown, ...args: unknown[]) {
    return (activeSpan() === undefined ? plain : instrumented).apply(this, args);
  };
  // Marked as shimmer marks its wrappers, so a later patch unwraps it to pg's own and wraps that.
  Object.assign(query, { __original: plain, __wrapped: true, __unwrap: () => (prototype.query = plain), tracedWorkOnly: true });
  prototype.query = query;
}

export async function startTracing(options: {
  endpoint: string;
  serviceName: string;
  sampleRatio?: number;
  expressSpans?: boolean;
  exporter?: SpanExporter;
  onExportFailure?: ExportFailureListener;
}): Promise<Tracing> {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

  const ratio = options.sampleRatio ?? 1;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    // A caller's sampling decision (traceparent flags) wins; new traces are kept at the ratio —
    // inbound requests decided at the edge (edge-sampling.ts), jobs here.
    sampler: new ParentBasedSampler({ root: new EdgeDecidedSampler(ratio) }),
    spanProcessors: [
      new BatchSpanProcessor(
        options.exporter ??
          new ThreadedOtlpExporter(`${options.endpoint}/v1/traces`, options.onExportFailure && new ExportFailureReport(options.onExportFailure)),
      ),
    ],
  });
  // Global tracer provider, the context in the gateway's async scope, and the W3C trace-context propagator.
  provider.register({ contextManager: new ScopedContextManager() });
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // The gateway's own server hands the requests it leaves out around this instrumentation
        // (decideTracingAtEdge); for any other server (metrics, an embedded simulator) a request
        // left out here runs with tracing suppressed.
        ignoreIncomingRequestHook: (request) => leftOutAtEdge(request, ratio),
        // A traced inbound request's route, for its span's name and http.route (edge-sampling.ts).
        requestHook: (_span, request) => {
          if (request instanceof IncomingMessage) nameTracedRoute(request);
        },
      }),
    ],
  });
  registerInstrumentations({
    // What runs under a request or a job: spans only beneath one of theirs (childSpansOnly).
    tracerProvider: childSpansOnly(provider),
    instrumentations: [
      // Route handlers, when asked for (OTEL_EXPRESS_SPANS): its bookkeeping on every layer of
      // every request cost ~8 % of a cached read; the server span names the route without it
      // (edge-sampling.ts, nameRouteForTraces). A span per middleware (helmet, compression, …) only adds noise.
      ...(options.expressSpans ? [new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] })] : []),
      // A statement's span, not the pool checkout's before it: two spans fewer per traced read.
      new PgInstrumentationForTracedWork({ requireParentSpan: true, ignoreConnectSpans: true }),
      // No resolver spans. Its resolver wrapping applies to the whole schema at graphql-js's first
      // execute (any mutation), after which every query compiled by graphql-jit ran ~1,000
      // wrapped resolvers a page whether traced or not; the operation, its SQL and its Wise
      // calls are the spans that tell something here.
      new GraphQLInstrumentation({ ignoreResolveSpans: true, mergeItems: true }),
      // Wise calls inside a traced request or job only; the sweep's and jobs' have their job's span.
      new UndiciInstrumentation({ requireParentforSpans: true }),
    ],
  });
  await waitForAllMessagesAcknowledged();
  const { default: pg } = await import('pg');
  return { shutdown: () => provider.shutdown(), pgTrimmed: () => tracedWorkOnly(pg.Client.prototype) };
}
