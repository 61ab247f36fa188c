/** GraphQL operation spans (only registered when tracing is on: src/ops/tracing.ts). */
import type { ApolloServerPlugin } from '@apollo/server';
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { activeSpan } from './trace-scope.js';
import { synchronous } from '../lib/synchronous-hook.js';

/**
 * A span per GraphQL operation named as a platform team searches for it
 * (`graphql mutation createTransfer`), beside what the graphql instrumentation records: the
 * operation's name, type and outcome on the span that carries its SQL and Wise calls' trace.
 */
export function graphqlOperationSpans(): ApolloServerPlugin {
  const tracer = trace.getTracer('wise-platform-gateway');
  return {
    // Not async: every request runs it, and most are not traced (lib/synchronous-hook.ts).
    requestDidStart: synchronous(() => {
      // A request left out at the edge (ops/tracing.ts tracedAtEdge) runs untraced: nothing to add to.
      if (!activeSpan()) return;
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
    }),
  };
}
