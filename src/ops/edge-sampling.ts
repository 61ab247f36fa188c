/**
 * Which inbound requests are traced, decided at the edge, before any instrumentation sees them.
 *
 * Kept apart from tracing.ts (which loads the SDK and the instrumentations) so the HTTP server
 * can use it without loading them when tracing is off.
 */
import http from 'node:http';
import { context, isSpanContextValid, TraceFlags } from '@opentelemetry/api';
import { getRPCMetadata, parseTraceParent, RPCType } from '@opentelemetry/core';

/** Probes and scrapes are not traced: they would be most of the spans and tell nothing. */
export const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Whether an inbound request is traced: the caller's decision when it sent a valid
 * `traceparent` (its sampled flag), otherwise the ratio. The same rule as a parent-based ratio
 * sampler, made before the HTTP instrumentation builds a server span.
 */
export function tracedAtEdge(traceparent: string | string[] | undefined, ratio: number, random = Math.random): boolean {
  // Parsed as the propagator will parse it for a traced request, so both agree on the parent.
  const header = Array.isArray(traceparent) ? traceparent[0] : traceparent;
  const parent = header ? parseTraceParent(header) : null;
  if (parent && isSpanContextValid(parent)) return (parent.traceFlags & TraceFlags.SAMPLED) !== 0;
  return random() < ratio;
}

/** A request's path, without its query string. */
function pathOf(request: http.IncomingMessage): string {
  const url = request.url ?? '';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/**
 * The requests the edge chose to trace, so the HTTP instrumentation's hook does not decide
 * twice. Kept beside them, not on them: a mark on one request in a hundred gave those requests
 * a shape of their own, and every function a request passes through saw two.
 */
const tracedHere = new WeakSet<http.IncomingMessage>();

/** For the HTTP instrumentation's ignoreIncomingRequestHook, on any server: true = left out. */
export function leftOutAtEdge(request: http.IncomingMessage, ratio: number): boolean {
  if (tracedHere.has(request)) return false;
  return UNTRACED_PATHS.has(pathOf(request)) || !tracedAtEdge(request.headers.traceparent, ratio);
}

/**
 * Hands each request the edge leaves out straight to the server's own listeners, around the
 * HTTP instrumentation (which wraps `http.Server.prototype.emit` when tracing starts).
 *
 * Left to the instrumentation, even an ignored request runs in a suppressed context and has
 * its request and response bound to it: every listener that express, the body parser and
 * compression add is wrapped, and every event they receive enters the context again. At one
 * trace in ten that was most of what tracing cost a cached read (bench/README.md, issue #16).
 * A request left out here runs in no trace at all; nothing under it starts a span, because
 * the libraries' instrumentations build spans only beneath a valid one (tracing.ts,
 * childSpansOnly) and the sampler drops any other root.
 */
export function decideTracingAtEdge(server: http.Server, ratio: number): void {
  type Emit = (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  const instrumented = server.emit as Emit;
  // EventEmitter's emit, beneath the instrumentation's wrapper on http.Server.prototype.
  const plain = Object.getPrototypeOf(http.Server.prototype).emit as Emit;
  if (instrumented === plain) return; // not instrumented: nothing to go around
  server.emit = function emit(this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event !== 'request') return instrumented.call(this, event, ...args);
    const request = args[0] as http.IncomingMessage;
    if (leftOutAtEdge(request, ratio)) return plain.call(this, event, ...args);
    tracedHere.add(request);
    return instrumented.call(this, event, ...args);
  } as typeof server.emit;
}

/** Routes registered by the code that mounts them (nameRouteForTraces). */
const namedRoutes = new Set<string>();

/**
 * Registers a route (an exact path) whose traced requests' server spans are named by it
 * (`http.route`, and the span's name `POST /graphql`), as the express instrumentation did. That
 * instrumentation is off by default (OTEL_EXPRESS_SPANS): on /graphql it made no span — every
 * handler there is middleware, which it ignores — yet its bookkeeping on every layer of every
 * request, traced or not, cost ~8 % of a cached read's CPU (bench/README.md, "One scope").
 * Named here, at the edge, only a traced request pays anything: an express layer per route
 * cost every request a context read (bench/README.md, "3 December 2026, late night").
 */
export function nameRouteForTraces(route: string): void {
  namedRoutes.add(route);
}

/**
 * For the HTTP instrumentation's requestHook, which runs for traced requests only and inside
 * their span's context: gives the request's registered route to the instrumentation, which
 * names the span and sets `http.route` from it when the response is sent.
 */
export function nameTracedRoute(request: http.IncomingMessage): void {
  const path = pathOf(request);
  if (!namedRoutes.has(path)) return;
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = path;
}
