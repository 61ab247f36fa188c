/** GraphQL operation spans (only registered when tracing is on: src/ops/tracing.ts). */
import type { ApolloServerPlugin } from '@apollo/server';
import { context, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { RequestHandler } from 'express';

/**
 * A span per GraphQL operation named as a platform team searches for it
 * (`graphql mutation createTransfer`), beside what the graphql instrumentation records: the
 * operation's name, type and outcome on the span that carries its SQL and Wise calls' trace.
 */
export function graphqlOperationSpans(): ApolloServerPlugin {
  const tracer = trace.getTracer('wise-platform-gateway');
  return {
    async requestDidStart() {
      // A request the sampler left out runs untraced (unsampledRequestsUntraced): nothing to add to.
      if (!trace.getActiveSpan()) return;
      let span: Span | undefined;
      return {
        async didResolveOperation({ operationName, operation }) {
          const type = operation?.operation ?? 'query';
          span = tracer.startSpan(`graphql ${type} ${operationName ?? 'anonymous'}`, {
            attributes: { 'graphql.operation.name': operationName ?? '', 'graphql.operation.type': type },
          });
        },
        async didEncounterErrors({ errors }) {
          span?.setStatus({ code: SpanStatusCode.ERROR, message: errors[0]?.message });
        },
        async willSendResponse() {
          span?.end();
        },
      };
    },
  };
}

/**
 * Once the sampler has left a request out (its HTTP span does not record), the rest of it runs
 * with tracing suppressed and no span in context. Without this every SQL statement, express
 * layer and operation of an unsampled request still builds a non-recording span, its attributes
 * and its context switches: at OTEL_TRACES_SAMPLER_ARG=0.1 that was most of what tracing cost a
 * cached read (bench/README.md, "Metrics and tracing on vs off"). The pg and express
 * instrumentations skip a statement or layer that has no parent span; undici and the tracer
 * honour suppression. The price: an unsampled request's calls to Wise carry no `traceparent`,
 * which no one downstream would have recorded anyway.
 *
 * Mounted after the body is read, as the log context is (the parser's callbacks run in the
 * context of the socket, not of the middleware that called it).
 */
export function unsampledRequestsUntraced(): RequestHandler {
  return (_req, _res, next) => {
    const span = trace.getActiveSpan();
    if (!span || span.isRecording()) return next();
    context.with(suppressTracing(trace.deleteSpan(context.active())), next);
  };
}
