/**
 * The embedded Wise Platform simulator: its own HTTP server, reached by the gateway over real
 * HTTP exactly as Wise's sandbox would be. Every response carries `x-trace-id` and echoes
 * `X-External-Correlation-Id`; latency and faults set through the controls apply before a
 * route runs; every call is recorded (method, path, status — never a token) for the controls.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expressPrototypes } from '../lib/express-prototypes.js';
import express, { type NextFunction, type Request, type Response } from 'express';
import { SimulatorCore, type SimulatorOptions, type SeedUser } from './core.js';
import { springError } from './errors.js';
import { authorizeRoutes } from './routes/authorize.js';
import { CONTROL_PREFIX, controlRoutes, createSeedUser } from './routes/controls.js';
import { moneyRoutes } from './routes/money.js';
import { profileRoutes } from './routes/profiles.js';
import { userRoutes } from './routes/users.js';
import { cancelAutoVerify, verificationRoutes } from './routes/verification.js';
import { findUserByEmail } from './state.js';
import { bearer, oauthRoutes } from './tokens.js';
import { WebhookDispatcher, webhookRoutes } from './webhooks.js';

export type Simulator = {
  /** Base URL of the API and of the authorization page (`{url}/oauth/authorize/`). */
  url: string;
  port: number;
  publicKeyPem: string;
  core: SimulatorCore;
  dispatcher: WebhookDispatcher;
  stop(): Promise<void>;
};

export const DEFAULT_SIMULATOR_CLIENT = {
  clientId: 'wise-platform-gateway',
  clientSecret: 'simulator-client-secret',
  clientKey: 'wise-platform-gateway',
};

export function defaultSimulatorOptions(overrides: Partial<SimulatorOptions> = {}): SimulatorOptions {
  return {
    ...DEFAULT_SIMULATOR_CLIENT,
    redirectUris: [],
    webhookRetryBaseMs: 1000,
    startingBalances: { GBP: 1_000_000, EUR: 1_000_000, USD: 1_000_000 },
    seedUsers: [],
    ...overrides,
  };
}

export async function startSimulator(options: SimulatorOptions, listen: { host?: string; port?: number } = {}): Promise<Simulator> {
  const sim = new SimulatorCore(options);
  const dispatcher = new WebhookDispatcher(sim);
  seedUsers(sim, dispatcher, options.seedUsers);

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  app.use(wiseHeadersAndCallLog(sim));

  // Controls first: faults and latency must never apply to them.
  const controls = express.Router();
  controlRoutes(sim, dispatcher, controls);
  app.use(controls);

  app.use(latencyAndFaults(sim));
  const publicRoutes = express.Router();
  oauthRoutes(sim, publicRoutes);
  authorizeRoutes(sim, publicRoutes);
  app.use(publicRoutes);

  const api = express.Router();
  // Quarterly-versioned bases (/2026Q3/quotes…) drop the /vN prefix; the legacy paths here are
  // what every public client and recording uses, so only those are served.
  const authenticate = bearer(sim);
  api.use((req, res, next) => (/^\/v\d+\//.test(req.path) ? authenticate(req, res, next) : next()));
  userRoutes(sim, api);
  profileRoutes(sim, dispatcher, api);
  verificationRoutes(sim, dispatcher, api);
  moneyRoutes(sim, dispatcher, api);
  webhookRoutes(sim, dispatcher, api);
  app.use(api);

  app.use((req: Request, res: Response) => springError(res, 404, `No endpoint ${req.method} ${req.path}`));
  app.use((error: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (error.type === 'entity.parse.failed') {
      return res.status(400).json({ errors: [{ code: 'NOT_VALID', message: 'Malformed JSON request body', path: '', arguments: [] }] });
    }
    if (error.status && error.status < 500) return springError(res, error.status, error.message);
    // A simulator bug: say so loudly, answer as Wise's system errors look.
    process.stderr.write(`simulator: unexpected error on ${_req.method} ${_req.path}: ${error.stack ?? error.message}\n`);
    springError(res, 500, 'No message available');
  });

  // As the gateway's: requests that die young (lib/express-prototypes.ts).
  const server = http.createServer(expressPrototypes(app), app);
  // Webhook receivers and the gateway use keep-alive; close idle sockets promptly on stop.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, listen.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = listen.host && !['0.0.0.0', '::'].includes(listen.host) ? listen.host : '127.0.0.1';
  const url = options.publicUrl ?? `http://${host}:${port}`;
  sim.baseUrl = url;

  return {
    url,
    port,
    publicKeyPem: sim.publicKeyPem,
    core: sim,
    dispatcher,
    async stop() {
      cancelAutoVerify();
      await dispatcher.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      sim.saveNow();
    },
  };
}

function seedUsers(sim: SimulatorCore, dispatcher: WebhookDispatcher, seeds: SeedUser[]): void {
  for (const seed of seeds) {
    if (!findUserByEmail(sim.state, seed.email)) createSeedUser(sim, dispatcher, seed);
  }
}

function wiseHeadersAndCallLog(sim: SimulatorCore) {
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('x-trace-id', randomBytes(8).toString('hex'));
    const correlation = req.header('X-External-Correlation-Id');
    if (correlation) res.setHeader('X-External-Correlation-Id', correlation.slice(0, 36));
    if (req.path.startsWith(CONTROL_PREFIX)) return next();
    res.setHeader('Cache-Control', 'no-cache, no-store, max-age=0, must-revalidate');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const arrived = performance.now();
    const record = () => {
      sim.calls.push({
        at: new Date().toISOString(),
        method: req.method,
        path: req.path,
        query: req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '',
        status: res.statusCode,
        auth: (res.locals.auth as 'client' | 'user' | 'basic' | undefined) ?? 'none',
        ...(res.locals.grant ? { grant: String(res.locals.grant) } : {}),
        correlationId: correlation ?? null,
        traceparent: req.header('traceparent') ?? null,
        durationMs: Math.round((performance.now() - arrived) * 10) / 10,
      });
      if (sim.calls.length > 20_000) sim.calls.splice(0, 10_000);
    };
    res.once('finish', record);
    res.once('close', () => {
      if (!res.writableFinished) record();
    });
    next();
  };
}

function latencyAndFaults(sim: SimulatorCore) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (sim.latencyMs > 0) await new Promise((r) => setTimeout(r, sim.latencyMs));
    const fault = sim.takeFault(req.method, req.path);
    if (!fault) return next();
    switch (fault.kind) {
      case 'status':
        return springError(res, fault.status ?? 500, 'Simulated failure');
      case 'rate_limit':
        res.setHeader('Retry-After', String(fault.retryAfterSeconds ?? 1));
        res.setHeader('X-Rate-Limited-By', 'wise-public-api');
        return res.status(429).json({});
      case 'drop':
        return req.socket.destroy();
      case 'timeout':
        // Hold the request and never answer: the caller's timeout must fire.
        res.once('close', () => undefined);
        return;
      case 'delay_request':
        // Wise busy: the work starts late (other calls, a cancel say, go first), then answers.
        // The request was received in full first: Wise does the work even if the caller has
        // given up waiting meanwhile.
        await new Promise<void>((resolve) => express.json()(req, res, () => resolve()));
        await new Promise((r) => setTimeout(r, fault.delayMs ?? 5000));
        return next();
      case 'delay_response': {
        // Do the work at once, answer late: a caller that dies meanwhile never hears of it.
        const end = res.end.bind(res);
        res.end = ((...args: Parameters<typeof end>) => {
          setTimeout(() => end(...args), fault.delayMs ?? 5000).unref();
          return res;
        }) as typeof res.end;
        return next();
      }
      case 'lose_response': {
        // Do the work, then drop the connection instead of answering ("created at Wise, but
        // the response was lost").
        res.end = ((...args: Parameters<typeof res.end>) => {
          res.statusCode = res.statusCode || 200;
          req.socket.destroy();
          void args;
          return res;
        }) as typeof res.end;
        return next();
      }
    }
  };
}
