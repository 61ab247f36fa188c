/**
 * The HTTP edge: one express app and one http server carrying
 *   /graphql   GraphQL over HTTP (Apollo Server) and over WebSocket (graphql-ws), same path
 *   /graphiql  GraphiQL, served from this process with no CDN
 *   /app       the reference bank web app (web/), outside production
 *   /healthz   alive;  /readyz  database reachable and migrations applied
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../logger.js';
import { requestCost } from '../observability.js';
import { unwrapResolverError } from '@apollo/server/errors';
import { mapDomainError } from '../resolvers/errors.js';
import { ErrorCode } from '../schema/errors.js';
import { AuthenticationError, type Authenticator, type Viewer } from './auth.js';
import type { ContextFactory, GatewayContext } from '../resolvers/context.js';
import type { Config, Limits } from '../config.js';
import { withWiseBudget } from '../wise/budget.js';
import { compressResponses } from './compression.js';
import { expressPrototypes } from '../lib/express-prototypes.js';
import { corsForOrigins } from './cors.js';
import { allValidationRules, documentGuards, limitRefusalCode, tokenLimitRefusal } from './document-limits.js';
import { jitGateway, jitSubscribe } from './executor.js';
import { graphiqlRoute } from './graphiql.js';
import { graphqlOverHttpStatus } from './graphql-over-http.js';
import type { Admission, RateLimits } from './rate-limits.js';
import { responseCache } from './response-cache.js';
import { graphiqlSecurityHeaders, securityHeaders } from './security-headers.js';
import { mountWebApp, webAppDistDir, type DemoSignIn } from './web-app.js';
import { subscriptionServerOptions } from './subscriptions.js';
import { withWebSocketLimits, type LiveSockets } from './websocket-limits.js';
import type { EventBus } from '../services/events.js';
import { logContext, type LogContext } from '../ops/log-context.js';
import type { Metrics } from '../ops/metrics.js';
import { graphqlOperationSpans } from '../ops/graphql-spans.js';
import { decideTracingAtEdge, nameRouteForTraces } from '../ops/edge-sampling.js';

export type HttpServerOptions = {
  schema: GraphQLSchema;
  authenticate: Authenticator;
  createContext: ContextFactory;
  logger: Logger;
  readiness: () => Promise<{ ready: boolean; reason?: string }>;
  /** A token GraphiQL pre-fills in development, so the explorer works out of the box. */
  graphiqlToken?: () => Promise<string | undefined>;
  /** The web app's demo sign-in (development tokens for the demo customers); none without it. */
  webAppDemoSignIn?: DemoSignIn;
  /** Answer X-Gateway-Cost: 1 with extensions.cost (SQL statements, Wise calls); not in production. */
  exposeCost?: boolean;
  /** Where sockets learn that a customer unlinked (they close). */
  events?: EventBus;
  /** Routes outside GraphQL (OAuth callback, webhooks), mounted before the 404 handler. */
  mountRoutes?: (app: express.Express) => void;
  /** Browser access (CORS, GraphiQL, introspection) and abuse limits. */
  edge: { http: Config['http']; limits: Limits; rateLimits: RateLimits };
  /** Prometheus metrics: GraphQL operations, live sockets and subscriptions. */
  metrics?: Metrics;
  /** OpenTelemetry is on: which requests are traced is decided at the edge; a span per GraphQL operation. */
  tracing?: { sampleRatio: number };
  /** A customer's read version, for answers kept in memory (response-cache.ts); none: no such cache. */
  readVersion?: (customerId: string) => Promise<string>;
};

export type RunningHttpServer = {
  url: string;
  port: number;
  server: http.Server;
  close(): Promise<void>;
};

export { WS_CLOSE_FORBIDDEN, WS_CLOSE_UNAUTHORIZED } from './subscriptions.js';

type RequestWithId = Request & { id?: string; viewer?: Viewer; logContext?: LogContext; admission?: Admission };

/** Enters the request's log context again: body parsing loses AsyncLocalStorage's context. */
function reenterLogContext(req: Request, _res: Response, next: NextFunction) {
  const context = (req as RequestWithId).logContext;
  if (!context) return next();
  const operationName = (req.body as { operationName?: unknown } | undefined)?.operationName ?? req.query?.operationName;
  if (typeof operationName === 'string' && operationName.length <= 100) context.operationName = operationName;
  logContext.run(context, next);
}

/**
 * Handlers run one after another as one express layer: what express runs per layer (and, with
 * tracing on, its instrumentation's route bookkeeping, before it learns the request is not
 * traced) is paid twice on a GraphQL request instead of ten times. As express runs a layer: an
 * error passed to `next`, thrown, or rejected skips the rest and goes to the error handler.
 */
function inOrder(...handlers: express.RequestHandler[]): express.RequestHandler {
  return (req, res, done) => {
    let index = 0;
    const next = (error?: unknown) => {
      // As the router reads a layer's `next`: 'route' and falsy values are no error.
      if (error && error !== 'route') return done(error);
      const handler = handlers[index++];
      if (!handler) return done();
      // The router skips error handlers (four parameters) on the way without an error.
      if (handler.length > 3) return next();
      try {
        const result: unknown = handler(req, res, next);
        if (result instanceof Promise) result.catch((rejected: unknown) => done(rejected || new Error('Rejected promise')));
      } catch (thrown) {
        done(thrown);
      }
    };
    next();
  };
}

export async function startHttpServer(options: HttpServerOptions, listen: { host: string; port: number }): Promise<RunningHttpServer> {
  const { schema, authenticate, createContext, logger, edge } = options;
  const guards = documentGuards(edge.limits.document, { introspection: edge.http.introspection });
  const app = express();
  app.disable('x-powered-by');
  // GraphQL answers are not cached by ETag; hashing every response body is pure cost.
  app.disable('etag');
  // Behind the bank's ingress: the client address (per-address rate limits) from X-Forwarded-For.
  app.set('trust proxy', edge.http.trustProxyHops);
  // Every request's handlers in one layer (inOrder).
  app.use(inOrder(securityHeaders(), compressResponses(), requestIdAndAccessLog(logger)));
  // Requests and responses made with express's prototypes: express has none to change (lib/express-prototypes.ts).
  const server = http.createServer(expressPrototypes(app), app);
  if (options.tracing) decideTracingAtEdge(server, options.tracing.sampleRatio);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const { ready, reason } = await options.readiness();
    res.status(ready ? 200 : 503).json(ready ? { status: 'ready' } : { status: 'not ready', reason });
  });

  // Off in production unless GRAPHIQL_ENABLED=true: a 9 MB page is no public landing page.
  if (edge.http.graphiql) {
    nameRouteForTraces('/graphiql');
    app.get('/graphiql', graphiqlSecurityHeaders(), graphiqlRoute(options.graphiqlToken));
  }
  // Off in production unless WEB_APP_ENABLED=true: a bank serves its own build of web/.
  if (edge.http.webApp) mountWebApp(app, { distDir: webAppDistDir(), demoSignIn: options.webAppDemoSignIn });

  const wsServer = new WebSocketServer({ server, path: '/graphql' });
  wsServer.on('connection', (socket, request) => writeFramesTogether(socket, request.socket));
  // The subscription protocol's life cycle (token lifetime, per-operation errors) wrapped by the
  // abuse limits (connections per customer, subscriptions per connection, document limits).
  const wsOptions = {
    ...subscriptionServerOptions({ schema, authenticate, createContext, logger, events: options.events, validationRules: allValidationRules(guards) }),
    // Each event's payload executed by the compiled query, as queries are under Apollo.
    ...(edge.http.executor === 'jit' ? { subscribe: jitSubscribe(schema) } : {}),
  };
  const liveSockets: LiveSockets = new Set();
  const wsCleanup = useServer(
    withWebSocketLimits(wsOptions, {
      connectionsPerCustomer: edge.limits.webSocketsPerCustomer,
      subscriptionsPerConnection: edge.limits.subscriptionsPerWebSocket,
      validationRules: allValidationRules(guards),
      refuseDocument: (query) => tokenLimitRefusal(query, guards),
      live: liveSockets,
    }),
    wsServer,
  );
  options.metrics?.gauge('gateway_websocket_connections', 'Open GraphQL WebSocket connections (authenticated) on this replica', [], (set) =>
    set({}, liveSockets.size),
  );
  options.metrics?.gauge('gateway_subscriptions_active', 'Live GraphQL subscriptions on this replica', [], (set) => {
    let count = 0;
    for (const socket of liveSockets) count += socket.subscriptions.size;
    set({}, count);
  });

  const apollo = new ApolloServer<GatewayContext>({
    // The schema, executed by graphql-jit (executor.ts) through Apollo's executor interface;
    // GRAPHQL_EXECUTOR=graphql-js is the way back (and the bench's comparison).
    ...(edge.http.executor === 'jit' ? { gateway: jitGateway(schema) } : { schema }),
    // Off in production unless INTROSPECTION_ENABLED=true (schema.graphql is the published schema).
    introspection: edge.http.introspection,
    validationRules: guards.validationRules,
    parseOptions: guards.parseOptions,
    // The gateway owns shutdown order (HTTP, jobs, ORM, database); Apollo must not race it.
    stopOnTerminationSignals: false,
    // Bearer-token authentication only, never a cookie: see graphql-over-http.ts for why CSRF
    // prevention is off (and GET queries work, as urql and Relay send them).
    csrfPrevention: false,
    plugins: [
      ...(options.metrics ? [options.metrics.apolloPlugin()] : []),
      ...(options.tracing ? [graphqlOperationSpans()] : []),
      {
        // The operation's name joins the request's log context as soon as it is known.
        async requestDidStart() {
          return {
            async didResolveOperation({ operationName }) {
              const context = logContext.getStore();
              if (context && operationName) context.operationName = operationName;
            },
          };
        },
      },
      graphqlOverHttpStatus(),
      ...guards.plugins,
      // After the guards (limits refuse before any read), before the cost report (it copies).
      ...(options.readVersion && edge.http.responseCacheBytes > 0
        ? [
            responseCache({
              maxBytes: edge.http.responseCacheBytes,
              versionOf: options.readVersion,
              count: options.metrics && ((outcome) => options.metrics!.countResponseCache(outcome)),
            }),
          ]
        : []),
      // Per-field cache hints nobody reads here cost a wrapper around every resolver.
      ApolloServerPluginCacheControlDisabled(),
      // Apollo's landing page loads from a CDN; GraphiQL is served at /graphiql instead.
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      {
        // What the request cost, for whoever asks (tests, benchmarks, bank developers).
        async requestDidStart({ request }) {
          if (!options.exposeCost || request.http?.headers.get('x-gateway-cost') !== '1') return;
          return {
            async willSendResponse({ response }) {
              const cost = requestCost.getStore();
              if (cost && response.body.kind === 'single') {
                response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost: { ...cost } };
              }
            },
          };
        },
      },
      {
        async serverWillStart() {
          return {
            async drainServer() {
              wsOptions.dispose();
              await wsCleanup.dispose();
            },
          };
        },
      },
    ],
    formatError: (formatted, error) => {
      const mapped = mapDomainError(unwrapResolverError(error));
      if (mapped) return { ...formatted, message: mapped.message, extensions: mapped.extensions };
      const limited = limitRefusalCode(formatted.extensions, formatted.message);
      if (limited) return { message: formatted.message, locations: formatted.locations, extensions: limited };
      const code = formatted.extensions?.code;
      if (code === ErrorCode.INTERNAL_SERVER_ERROR || code === undefined) {
        logger.error({ err: error }, 'unexpected error in a GraphQL operation');
        return { message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
      }
      // Never ship stack traces to a client.
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    },
  });
  await apollo.start();

  nameRouteForTraces('/graphql');
  app.use(
    '/graphql',
    inOrder(
      corsForOrigins(edge.http.corsOrigins),
      // Before the body is read: a refused request costs no parsing.
      admit(authenticate, edge.rateLimits),
      express.json({ limit: edge.limits.bodyBytes }),
      reenterLogContext,
      // After the body is read: from here on the request's async work shares one cost counter
      // (only for callers who asked to see it), which starts with the admission's statement.
      (req, _res, next) =>
        req.headers['x-gateway-cost'] === '1'
          ? requestCost.run({ sqlStatements: (req as RequestWithId).admission?.statements ?? 0, wiseCalls: 0, answeredFromMemory: false }, next)
          : next(),
      (req, _res, next) => {
        const { customerId } = (req as RequestWithId).viewer!;
        withWiseBudget(edge.limits.wiseCallsPerRequest, () => edge.rateLimits.spendWiseCall(customerId), next);
      },
      expressMiddleware(apollo, {
        context: async ({ req }) => {
          const r = req as RequestWithId;
          return createContext(r.viewer!, r.id!, {
            bypassCache: Boolean(options.exposeCost) && req.headers['x-gateway-cache'] === 'bypass',
            readVersion: r.admission?.readVersion,
          });
        },
      }),
    ),
  );

  options.mountRoutes?.(app);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  app.use((error: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error({ err: error, requestId: (req as RequestWithId).id }, 'unhandled error');
    const code = status === 500 ? ErrorCode.INTERNAL_SERVER_ERROR : status === 413 ? ErrorCode.REQUEST_TOO_LARGE : ErrorCode.BAD_USER_INPUT;
    res.status(status).json({ errors: [{ message: status === 500 ? 'Internal server error' : error.message, extensions: { code } }] });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl = listen.host === '0.0.0.0' || listen.host === '::' ? 'localhost' : listen.host;

  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    server,
    async close() {
      // Apollo's drain plugin stops accepting, waits for in-flight requests and closes
      // the WebSocket subscriptions.
      await apollo.stop();
      wsServer.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}

/**
 * The bank token first (from the header alone), then one statement counts the request against
 * its address and its customer (http/rate-limits.ts). A bad token is counted against its
 * address too, so a flood of them is refused; a request over a limit gets 429, whatever its token.
 */
function admit(authenticate: Authenticator, rateLimits: RateLimits) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const r = req as RequestWithId;
    let viewer: Viewer | undefined;
    let refusal: AuthenticationError | undefined;
    try {
      viewer = await authenticate(req.headers.authorization);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) return next(error);
      refusal = error;
    }
    const admission = await rateLimits.admit(`${req.ip}`, viewer?.customerId);
    if (admission.refused) {
      const { scope, limit, retryAfterSeconds } = admission.refused;
      res
        .status(429)
        .set('Retry-After', String(retryAfterSeconds))
        .json({
          errors: [
            {
              message: `Too many requests from this ${scope} (at most ${limit} a minute); try again in ${retryAfterSeconds} s.`,
              extensions: { code: ErrorCode.RATE_LIMITED, limit: scope === 'address' ? 'requestsPerAddress' : 'requestsPerCustomer', retryAfterSeconds },
            },
          ],
        });
      return;
    }
    if (!viewer) {
      const error = refusal!;
      res
        .status(401)
        .set('WWW-Authenticate', `Bearer error="invalid_token", error_description="${error.message.replace(/"/g, "'")}"`)
        .json({ errors: [{ message: error.message, extensions: { code: ErrorCode.UNAUTHENTICATED, reason: error.reason } }] });
      return;
    }
    r.viewer = viewer;
    r.admission = admission;
    if (r.logContext) r.logContext.customerId = viewer.customerId;
    next();
  };
}

function requestIdAndAccessLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    (req as RequestWithId).id = id;
    res.setHeader('X-Request-Id', id);
    const context: LogContext = { requestId: id };
    (req as RequestWithId).logContext = context;
    if (!logger.isLevelEnabled('info')) return logContext.run(context, next);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const path = req.originalUrl.split('?')[0];
      if (path === '/healthz' || path === '/readyz') return;
      logger.info(
        {
          requestId: id,
          method: req.method,
          path,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          customerId: (req as RequestWithId).viewer?.customerId,
          operationName: context.operationName,
        },
        'request',
      );
    });
    logContext.run(context, next);
  };
}

/**
 * One event reaches every subscription on a socket in the same turn of the event loop, and
 * graphql-ws sends each its own frame: twenty subscriptions were twenty writes to the kernel.
 * The socket is corked at a turn's first frame and uncorked after it, so they leave as one
 * write. With 10,000 live subscriptions the writes were a fifth of the gateway's CPU during a
 * fan-out (bench/README.md); a frame waits at most until the end of the turn it was sent in.
 */
function writeFramesTogether(socket: WebSocket, raw: Duplex): void {
  const send = socket.send.bind(socket) as (...args: unknown[]) => void;
  let corked = false;
  (socket as { send: (...args: unknown[]) => void }).send = (...args: unknown[]) => {
    if (!corked) {
      corked = true;
      raw.cork();
      setImmediate(() => {
        corked = false;
        raw.uncork();
      });
    }
    send(...args);
  };
}
