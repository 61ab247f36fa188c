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
import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, ParentBasedSampler, SamplingDecision, TraceIdRatioBasedSampler, type Sampler, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { isSpanContextValid, SpanKind, TraceFlags, type Context } from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import { createAddHookMessageChannel } from 'import-in-the-middle';

export type Tracing = { shutdown(): Promise<void> };

/** Probes and scrapes are not traced: they would be most of the spans and tell nothing. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Whether an inbound request is traced, decided at the edge, before any span exists: the
 * caller's decision when it sent a valid `traceparent` (its sampled flag), otherwise the ratio.
 * The same rule as a parent-based ratio sampler, but made before the HTTP instrumentation
 * builds its server span: a request left out costs no span, no attributes, no extracted
 * context and no response listeners. At a ratio of 0.1 that span was most of what tracing
 * cost a cached read (bench/README.md, issue #16).
 */
export function tracedAtEdge(traceparent: string | string[] | undefined, ratio: number, random = Math.random): boolean {
  // Parsed as the propagator will parse it for a traced request, so both agree on the parent.
  const header = Array.isArray(traceparent) ? traceparent[0] : traceparent;
  const parent = header ? parseTraceParent(header) : null;
  if (parent && isSpanContextValid(parent)) return (parent.traceFlags & TraceFlags.SAMPLED) !== 0;
  return random() < ratio;
}

/**
 * The SDK's root sampler: a server span exists only for a request the edge chose to trace, so
 * it is kept; any other root (a job, the sweep's calls to Wise) is kept at the ratio.
 */
class EdgeDecidedSampler implements Sampler {
  private readonly ratio: TraceIdRatioBasedSampler;
  constructor(ratio: number) {
    this.ratio = new TraceIdRatioBasedSampler(ratio);
  }
  shouldSample(context: Context, traceId: string, _name: string, kind: SpanKind) {
    if (kind === SpanKind.SERVER) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    return this.ratio.shouldSample(context, traceId);
  }
  toString(): string {
    return `EdgeDecidedSampler{${this.ratio.toString()}}`;
  }
}

export async function startTracing(options: { endpoint: string; serviceName: string; sampleRatio?: number; exporter?: SpanExporter }): Promise<Tracing> {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

  const ratio = options.sampleRatio ?? 1;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    // A caller's sampling decision (traceparent flags) wins; new traces are kept at the ratio —
    // for inbound requests decided at the edge (tracedAtEdge), for other roots here.
    sampler: new ParentBasedSampler({ root: new EdgeDecidedSampler(ratio) }),
    spanProcessors: [new BatchSpanProcessor(options.exporter ?? new OTLPTraceExporter({ url: `${options.endpoint}/v1/traces` }))],
  });
  // Global tracer provider, AsyncLocalStorage context and the W3C trace-context propagator.
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Left out: runs with tracing suppressed, so nothing below builds a span for it.
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0]) || !tracedAtEdge(request.headers.traceparent, ratio),
      }),
      // Routers and handlers; a span per middleware (helmet, compression, …) only adds noise.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      new PgInstrumentation({ requireParentSpan: true }),
      new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, mergeItems: true }),
      new UndiciInstrumentation(),
    ],
  });
  await waitForAllMessagesAcknowledged();
  return { shutdown: () => provider.shutdown() };
}
