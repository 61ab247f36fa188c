/**
 * Where OpenTelemetry's context lives while tracing is on: a slot of the gateway's one async
 * scope (lib/async-scope.ts), which tracing.ts's context manager reads and writes.
 *
 * Kept apart from tracing.ts (which loads the SDK and the instrumentations) so that what runs on
 * every request can ask "is this work traced?" in one slot read — not through the API's global
 * registry, which looks the context manager up and checks its version on every call
 * (bench/README.md, "4 December 2026, morning").
 */
import { trace, type Context, type Span } from '@opentelemetry/api';
import { ScopeSlot } from '../lib/async-scope.js';

export const traceContext = new ScopeSlot<Context>('trace context');

/** The span the current work runs under, if it is traced (a request the edge kept, a job). */
export function activeSpan(): Span | undefined {
  const context = traceContext.getStore();
  return context === undefined ? undefined : trace.getSpan(context);
}
