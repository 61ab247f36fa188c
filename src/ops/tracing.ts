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
import { BatchSpanProcessor, NodeTracerProvider, ParentBasedSampler, TraceIdRatioBasedSampler, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { createAddHookMessageChannel } from 'import-in-the-middle';

export type Tracing = { shutdown(): Promise<void> };

/** Probes and scrapes are not traced: they would be most of the spans and tell nothing. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export async function startTracing(options: { endpoint: string; serviceName: string; sampleRatio?: number; exporter?: SpanExporter }): Promise<Tracing> {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    // A caller's sampling decision (traceparent flags) wins; new traces are kept at the ratio.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio ?? 1) }),
    spanProcessors: [new BatchSpanProcessor(options.exporter ?? new OTLPTraceExporter({ url: `${options.endpoint}/v1/traces` }))],
  });
  // Global tracer provider, AsyncLocalStorage context and the W3C trace-context propagator.
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0]),
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
