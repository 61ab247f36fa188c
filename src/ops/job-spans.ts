/**
 * A span for each job the runner executes (the sweep, webhooks applied late, reconciliation,
 * pruning), so a job's SQL and Wise calls form one trace with the job at its root — always a
 * root: whatever context woke the runner (its LISTEN connection may have been opened under a
 * traced request) is no parent of the job. Consumer spans: the sampler keeps them at the ratio
 * (tracing.ts). Without a tracer provider
 * (tracing off) the API's no-op tracer makes this a few calls per job.
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { TaskList } from 'graphile-worker';

export function withJobSpans(tasks: TaskList): TaskList {
  const tracer = trace.getTracer('wise-platform-gateway');
  return Object.fromEntries(
    Object.entries(tasks).map(([name, task]) => [
      name,
      (payload, helpers) =>
        tracer.startActiveSpan(`job ${name}`, { root: true, kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'graphile-worker', 'messaging.operation.name': name, 'job.id': String(helpers.job.id) } }, async (span) => {
          try {
            return await task!(payload, helpers);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            span.recordException(error instanceof Error ? error : message);
            span.setStatus({ code: SpanStatusCode.ERROR, message });
            throw error;
          } finally {
            span.end();
          }
        }),
    ]),
  );
}
