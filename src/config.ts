/**
 * The one validated configuration object, from one declarative schema: `variables` below lists
 * every environment variable the gateway reads, each as a zod schema that parses and checks it.
 * The Config type, the checks and the test that keeps .env.example complete all come from it.
 * Every problem is reported at once (main.ts exits 78 with the list), and nothing reads
 * process.env after the check: every value the process uses is in the returned Config.
 *
 * zod rather than envalid: the rules here cross variables (production needs a database, a
 * token verifier and keys; WISE_ENV decides which Wise variables are required), which zod
 * states as plain code over typed values, and zod is the schema library the TypeScript world
 * maintains most actively — envalid's validators cover one variable at a time.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseKeyRing, type KeyRing } from './lib/secret-box.js';

export type WiseEnvironment = 'simulator' | 'sandbox' | 'production';
export type RuntimeMode = 'development' | 'test' | 'production';
export type OnboardingModel = 'partner_kyc' | 'wise_kyc' | 'wise_kyc_prefilled';

/** Per-document limits, enforced by graphql-armor before a document runs. */
export type DocumentLimits = { maxDepth: number; maxAliases: number; maxTokens: number; maxCost: number; maxDirectives: number };

/** Abuse limits; 0 turns a rate limit off (for benchmarks, not for production). */
export type Limits = {
  document: DocumentLimits;
  /** Largest request body accepted on /graphql, in bytes. */
  bodyBytes: number;
  /** Calls to Wise one GraphQL request may make. */
  wiseCallsPerRequest: number;
  /** Calls to Wise made for one customer per minute, across replicas. */
  wiseCallsPerCustomerPerMinute: number;
  /** GraphQL requests per customer, and per client address, per minute, across replicas. */
  requestsPerCustomerPerMinute: number;
  requestsPerAddressPerMinute: number;
  /** Open WebSockets per customer (per replica), and subscriptions on one of them. */
  webSocketsPerCustomer: number;
  subscriptionsPerWebSocket: number;
};

export type Config = {
  mode: RuntimeMode;
  host: string;
  port: number;
  /** Where browsers and Wise reach this gateway (OAuth callback, webhooks); default: the listening URL. */
  publicUrl?: string;
  logLevel: string;
  /** The browser-facing edge. */
  http: {
    /** Origins whose web apps may call /graphql from a browser (CORS); none by default. */
    corsOrigins: string[];
    /** Proxies in front of the gateway whose X-Forwarded-For is believed (client address for rate limits). */
    trustProxyHops: number;
    /** Serve /graphiql; off in production unless asked for. */
    graphiql: boolean;
    /** Answer introspection queries and suggest field names; off in production unless asked for. */
    introspection: boolean;
    /** Who executes queries under Apollo: graphql-jit (compiled, the default) or graphql-js. */
    executor: 'jit' | 'graphql-js';
    /** Serve the reference bank web app (web/dist) at /app; off in production unless asked for. */
    webApp: boolean;
  };
  limits: Limits;
  database: {
    /** Set when DATABASE_URL is given; otherwise an embedded PostgreSQL is started. */
    url?: string;
    /**
     * A direct connection to PostgreSQL (DATABASE_DIRECT_URL) when DATABASE_URL goes through
     * PgBouncer in transaction mode: LISTEN/NOTIFY, graphile-worker, migrations and session
     * advisory locks use it; everything else goes through DATABASE_URL without named prepared
     * statements.
     */
    directUrl?: string;
    /** dataDirExplicit: EMBEDDED_POSTGRES_DIR was given, so never relocate it. */
    embedded: { dataDir: string; dataDirExplicit: boolean; port: number };
    /** The shared connection pool (db/plain.ts): connections kept open while idle, and at most. */
    pool: { min: number; max: number };
    /** The ORM's own pool (knex), and the transfer money locks' pool: at most. */
    ormPoolMax: number;
    lockPoolMax: number;
  };
  auth: {
    /** HS256 shared secret, or a JWKS URL — exactly one. */
    jwtSecret?: string;
    jwksUrl?: string;
    issuer?: string;
    audience?: string;
    /** True when the secret is the built-in development one (never allowed in production). */
    usingDevelopmentSecret: boolean;
  };
  wise: {
    environment: WiseEnvironment;
    /** API base URL; for the simulator, filled in once it listens unless WISE_API_URL overrides it. */
    apiUrl?: string;
    /** Browser authorization page; likewise. */
    authorizeUrl?: string;
    clientId: string;
    clientSecret: string;
    /** Path key of application webhook subscriptions (Wise gives it; not always the client id). */
    clientKey: string;
    /** PEM public key that verifies webhook signatures; the simulator's own in simulator mode. */
    webhookPublicKeyPem?: string;
    /** PEM private key that signs SCA one-time tokens (its public key is registered at Wise). */
    scaPrivateKeyPem?: string;
  };
  /** The embedded Wise simulator, started beside the gateway when WISE_ENV=simulator. */
  simulator: {
    host: string;
    port: number;
    stateFile?: string;
    /** PEM private key the simulator signs webhooks with (otherwise generated, or kept in stateFile). */
    webhookPrivateKeyPem?: string;
    autoVerifySeconds?: number;
    webhookRetryBaseMs: number;
  };
  /** Keys that seal tokens and registration codes at rest; the first one seals new values. */
  encryption: { keyRing: KeyRing; usingDevelopmentKey: boolean };
  onboarding: {
    model: OnboardingModel;
    /** Where the browser goes after /oauth/callback, with ?outcome=… appended. */
    frontendUrl?: string;
    /** Currencies the bank's customers pay in: the verification gate checks these. */
    sourceCurrencies: string[];
  };
  jobs: {
    /** Run background jobs in this process (webhook apply, sweeps). Off: only enqueue. */
    enabled: boolean;
    /** Jobs run at once in this process; they mostly wait on Postgres, so more than the cores. */
    concurrency: number;
    /** Days the per-customer event log keeps events for subscriptions to resume from (daily prune). */
    eventRetentionDays: number;
  };
  webhooks: {
    /** Create the application webhook subscriptions at Wise on start-up when missing. */
    ensureSubscriptions: boolean;
  };
  /** Operating it: metrics, traces, shutdown, migrations, retention (README "Operating it"). */
  ops: {
    /** Prometheus /metrics listener; undefined when METRICS_PORT=off. Port 0 picks a free one. */
    metrics?: { host: string; port: number };
    /** OTLP/HTTP traces endpoint (OTEL_EXPORTER_OTLP_ENDPOINT); tracing is off without it. */
    tracing?: { endpoint: string; serviceName: string; sampleRatio: number };
    /** Seconds /readyz answers 503 after SIGTERM before the listener closes. */
    shutdownDrainSeconds: number;
    /** Apply pending migrations at start-up (false: `npm run migrate` is a separate step). */
    migrationsOnStart: boolean;
    /** Days `wise_call` rows and applied `webhook_inbox` rows are kept (daily prune). */
    wiseCallRetentionDays: number;
    webhookInboxRetentionDays: number;
  };
  /** Timeouts and retries for calls to Wise. */
  wiseHttp: { timeoutMs: number; maxRetries: number; backoffBaseMs: number };
  /** Seed demo customers (development only, unless asked for explicitly). */
  seedDemoData: boolean;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A development-only signing key for bank-customer tokens; refused when NODE_ENV=production. */
export const DEVELOPMENT_JWT_SECRET = 'development-only-secret-do-not-use-in-production-0123456789';

/** The development key that seals secrets at rest when ENCRYPTION_KEYS is unset; refused in production. */
const DEVELOPMENT_ENCRYPTION_KEY = createHash('sha256').update('wise-platform-gateway development key').digest();

type Env = Record<string, string | undefined>;

/** The simulator's OAuth client: fixed, public, loopback-only. */
export const SIMULATOR_CLIENT = { clientId: 'wise-platform-gateway', clientSecret: 'simulator-client-secret' };

/** Hosts and webhook signing keys per Wise environment (shared/wise-api auth.md §1, webhooks.md §2.4). */
const WISE_ENVIRONMENTS: Record<WiseEnvironment, { apiUrl?: string; authorizeUrl?: string; webhookPublicKeyPem?: string }> = {
  simulator: {},
  sandbox: {
    apiUrl: 'https://api.wise-sandbox.com',
    authorizeUrl: 'https://wise-sandbox.com/oauth/authorize/',
    webhookPublicKeyPem: `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwpb91cEYuyJNQepZAVfP
ZIlPZfNUefH+n6w9SW3fykqKu938cR7WadQv87oF2VuT+fDt7kqeRziTmPSUhqPU
ys/V2Q1rlfJuXbE+Gga37t7zwd0egQ+KyOEHQOpcTwKmtZ81ieGHynAQzsn1We3j
wt760MsCPJ7GMT141ByQM+yW1Bx+4SG3IGjXWyqOWrcXsxAvIXkpUD/jK/L958Cg
nZEgz0BSEh0QxYLITnW1lLokSx/dTianWPFEhMC9BgijempgNXHNfcVirg1lPSyg
z7KqoKUN0oHqWLr2U1A+7kqrl6O2nx3CKs1bj1hToT1+p4kcMoHXA7kA+VBLUpEs
VwIDAQAB
-----END PUBLIC KEY-----
`,
  },
  production: {
    apiUrl: 'https://api.wise.com',
    authorizeUrl: 'https://wise.com/oauth/authorize/',
    webhookPublicKeyPem: `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvO8vXV+JksBzZAY6GhSO
XdoTCfhXaaiZ+qAbtaDBiu2AGkGVpmEygFmWP4Li9m5+Ni85BhVvZOodM9epgW3F
bA5Q1SexvAF1PPjX4JpMstak/QhAgl1qMSqEevL8cmUeTgcMuVWCJmlge9h7B1CS
D4rtlimGZozG39rUBDg6Qt2K+P4wBfLblL0k4C4YUdLnpGYEDIth+i8XsRpFlogx
CAFyH9+knYsDbR43UJ9shtc42Ybd40Afihj8KnYKXzchyQ42aC8aZ/h5hyZ28yVy
Oj3Vos0VdBIs/gAyJ/4yyQFCXYte64I7ssrlbGRaco4nKF3HmaNhxwyKyJafz19e
HwIDAQAB
-----END PUBLIC KEY-----
`,
  },
};

// --- The schema: one entry per variable ----------------------------------------------------
// Each parser takes the trimmed string (an empty value counts as unset) and either returns the
// typed value or adds an issue whose message completes the sentence "<NAME> …".

/** Never echo a password embedded in a URL back into a log or error message. */
function redactUrl(value: string): string {
  return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

function refuse(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

const text = () => z.string();
const oneOf = <T extends string>(allowed: readonly T[]) =>
  z.string().transform((v, ctx): T => ((allowed as readonly string[]).includes(v) ? (v as T) : refuse(ctx, `must be one of ${allowed.join(', ')} (got "${v}")`)));
const flag = () => oneOf(['true', 'false'] as const).transform((v) => v === 'true');
const wholeNumber = (min: number, max: number, unit = '') =>
  z.string().transform((v, ctx) => {
    const n = Number(v);
    return /^\d+$/.test(v) && n >= min && n <= max ? n : refuse(ctx, `must be a whole number${unit} from ${min} to ${max} (got "${v}")`);
  });
const positiveNumber = (unit: string) =>
  z.string().transform((v, ctx) => (Number(v) > 0 && Number.isFinite(Number(v)) ? Number(v) : refuse(ctx, `must be a positive number of ${unit} (got "${v}")`)));
const port = () =>
  z.string().transform((v, ctx) => {
    const n = Number(v);
    return /^\d+$/.test(v) && n <= 65535 ? n : refuse(ctx, `must be a TCP port number between 0 and 65535 (got "${v}")`);
  });
const url = (...protocols: string[]) =>
  z.string().transform((v, ctx) => {
    try {
      if (protocols.includes(new URL(v).protocol)) return v;
    } catch {
      // reported below
    }
    return refuse(ctx, `must be a ${protocols.join(' or ')} URL (got "${redactUrl(v)}")`);
  });
const pem = (kind: 'PUBLIC KEY' | 'PRIVATE KEY') =>
  z.string().transform((v, ctx) => {
    const value = v.replace(/\\n/g, '\n');
    return value.includes(kind) ? value : refuse(ctx, `must be a PEM ${kind.toLowerCase()} ("-----BEGIN ${kind}-----…"; \\n for line breaks)`);
  });
const pemFile = () =>
  z.string().transform((file, ctx) => {
    try {
      const value = readFileSync(file, 'utf8');
      if (value.includes('PRIVATE KEY')) return value;
      return refuse(ctx, `must name a readable PEM private key file (${file} is not a PEM private key)`);
    } catch (error) {
      return refuse(ctx, `must name a readable PEM private key file (${(error as Error).message})`);
    }
  });
const list = <T>(item: (v: string) => T | undefined, what: string) =>
  z.string().transform((v, ctx) => {
    const items = v.split(',').map((s) => s.trim()).filter(Boolean);
    const parsed = items.map(item);
    return parsed.every((p) => p !== undefined) ? (parsed) : refuse(ctx, `must be ${what} (got "${v}")`);
  });
const currency = (v: string) => (/^[A-Za-z]{3}$/.test(v) ? v.toUpperCase() : undefined);
const origin = (v: string) => {
  try {
    const parsed = new URL(v);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.origin === v.replace(/\/$/, '') ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
};
const keyRing = () =>
  z.string().transform((v, ctx) => {
    const parsed = parseKeyRing(v);
    return typeof parsed === 'string' ? refuse(ctx, `: ${parsed}`) : parsed;
  });

/**
 * Every variable the gateway reads. .env.example documents exactly these (a test keeps the two
 * in step); defaults that depend on other variables are applied in loadConfig.
 */
export const variables = {
  NODE_ENV: oneOf(['development', 'test', 'production'] as const),
  PORT: port(),
  HOST: text(),
  PUBLIC_URL: url('http:', 'https:'),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),

  CORS_ORIGINS: list(origin, 'origins separated by commas, each scheme://host[:port] with no path, e.g. https://app.bank.example'),
  TRUST_PROXY_HOPS: wholeNumber(0, 10),
  GRAPHIQL_ENABLED: flag(),
  INTROSPECTION_ENABLED: flag(),
  GRAPHQL_EXECUTOR: oneOf(['jit', 'graphql-js'] as const),
  WEB_APP_ENABLED: flag(),

  HTTP_BODY_LIMIT_BYTES: wholeNumber(1024, 10 * 1024 * 1024),
  GRAPHQL_MAX_DEPTH: wholeNumber(1, 100),
  GRAPHQL_MAX_ALIASES: wholeNumber(0, 1000),
  GRAPHQL_MAX_TOKENS: wholeNumber(10, 100_000),
  GRAPHQL_MAX_COST: wholeNumber(10, 1_000_000),
  GRAPHQL_MAX_DIRECTIVES: wholeNumber(0, 1000),
  WISE_CALLS_PER_REQUEST: wholeNumber(1, 10_000),
  WISE_CALLS_PER_CUSTOMER_PER_MINUTE: wholeNumber(0, 1_000_000),
  RATE_LIMIT_PER_CUSTOMER_PER_MINUTE: wholeNumber(0, 1_000_000),
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: wholeNumber(0, 1_000_000),
  WS_CONNECTIONS_PER_CUSTOMER: wholeNumber(1, 1000),
  WS_SUBSCRIPTIONS_PER_CONNECTION: wholeNumber(1, 1000),

  DATABASE_URL: url('postgres:', 'postgresql:'),
  EMBEDDED_POSTGRES_DIR: text(),
  EMBEDDED_POSTGRES_PORT: port(),
  DATABASE_DIRECT_URL: url('postgres:', 'postgresql:'),
  DATABASE_POOL_MIN: wholeNumber(0, 200),
  DATABASE_POOL_MAX: wholeNumber(2, 200),
  DATABASE_ORM_POOL_MAX: wholeNumber(2, 200),
  DATABASE_LOCK_POOL_MAX: wholeNumber(1, 200),

  AUTH_JWT_SECRET: z.string().transform((v, ctx) => (v.length >= 32 ? v : refuse(ctx, 'must be at least 32 characters (an HS256 shared secret)'))),
  AUTH_JWKS_URL: url('http:', 'https:'),
  AUTH_JWT_ISSUER: text(),
  AUTH_JWT_AUDIENCE: text(),

  WISE_ENV: oneOf(['simulator', 'sandbox', 'production'] as const),
  WISE_CLIENT_ID: text(),
  WISE_CLIENT_SECRET: text(),
  WISE_CLIENT_KEY: text(),
  WISE_API_URL: url('http:', 'https:'),
  WISE_AUTHORIZE_URL: url('http:', 'https:'),
  WISE_WEBHOOK_PUBLIC_KEY: pem('PUBLIC KEY'),
  WISE_SCA_PRIVATE_KEY: pem('PRIVATE KEY'),
  WISE_TIMEOUT_MS: wholeNumber(100, 120_000, ' of milliseconds'),
  WISE_MAX_RETRIES: wholeNumber(0, 10),
  WISE_BACKOFF_BASE_MS: wholeNumber(1, 60_000, ' of milliseconds'),

  ONBOARDING_MODEL: oneOf(['partner_kyc', 'wise_kyc', 'wise_kyc_prefilled'] as const),
  FRONTEND_URL: url('http:', 'https:'),
  BANK_SOURCE_CURRENCIES: list(currency, 'ISO 4217 codes separated by commas, e.g. GBP,EUR'),

  JOBS_ENABLED: flag(),
  JOBS_CONCURRENCY: wholeNumber(1, 50),
  EVENT_LOG_RETENTION_DAYS: wholeNumber(1, 3650, ' of days'),
  WEBHOOK_SUBSCRIPTIONS_ENSURE: flag(),

  ENCRYPTION_KEYS: keyRing(),

  METRICS_PORT: z.string().transform((v, ctx) => (v === 'off' ? ('off' as const) : /^\d+$/.test(v) && Number(v) <= 65535 ? Number(v) : refuse(ctx, `must be a TCP port number between 0 and 65535, or off (got "${v}")`))),
  METRICS_HOST: text(),
  OTEL_EXPORTER_OTLP_ENDPOINT: url('http:', 'https:'),
  OTEL_SERVICE_NAME: text(),
  OTEL_TRACES_SAMPLER_ARG: z.string().transform((v, ctx) => (/^(0(\.\d+)?|1(\.0+)?)$/.test(v) ? Number(v) : refuse(ctx, `must be a ratio from 0 to 1, e.g. 0.1 (got "${v}")`))),
  SHUTDOWN_DRAIN_SECONDS: wholeNumber(0, 300, ' of seconds'),
  MIGRATIONS_ON_START: flag(),
  WISE_CALL_RETENTION_DAYS: wholeNumber(1, 3650, ' of days'),
  // Longer than the 15 days an event is accepted for: the inbox is what recognises a replay.
  WEBHOOK_INBOX_RETENTION_DAYS: wholeNumber(16, 3650, ' of days'),

  SIMULATOR_HOST: text(),
  SIMULATOR_PORT: port(),
  SIMULATOR_STATE_FILE: text(),
  SIMULATOR_WEBHOOK_KEY_FILE: pemFile(),
  SIMULATOR_AUTO_VERIFY_SECONDS: z.string().transform((v, ctx) => (Number(v) >= 0 ? Number(v) : refuse(ctx, `must be a number of seconds, 0 to turn it off (got "${v}")`))),
  SIMULATOR_WEBHOOK_RETRY_BASE_MS: positiveNumber('milliseconds'),

  SEED_DEMO_DATA: flag(),
};

/** The parsed variables: each one typed, undefined when unset. */
export type ParsedEnv = { [K in keyof typeof variables]?: z.output<(typeof variables)[K]> };

/**
 * Parses each variable on its own, so that every malformed one is reported, not only the first;
 * an empty value counts as unset. Returns the typed values and the problems, each a sentence
 * that starts with the variable's name.
 */
export function parseEnv<S extends Record<string, z.ZodType>>(schemas: S, env: Env): { values: { [K in keyof S]?: z.output<S[K]> }; problems: string[] } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(schemas)) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    const result = schema.safeParse(raw);
    if (result.success) values[name] = result.data;
    else problems.push(...result.error.issues.map((issue) => `${name}${issue.message.startsWith(':') ? '' : ' '}${issue.message}`));
  }
  return { values: values as { [K in keyof S]?: z.output<S[K]> }, problems };
}

export function loadConfig(env: Env = process.env): Config {
  const { values: v, problems } = parseEnv(variables, env);
  const mode = v.NODE_ENV ?? 'development';
  const production = mode === 'production';
  const problem = (message: string) => problems.push(message);

  // --- Database
  const poolMax = v.DATABASE_POOL_MAX ?? 24;
  const jobsShareThePool = (v.JOBS_ENABLED ?? true) && !v.DATABASE_DIRECT_URL;
  if (jobsShareThePool && poolMax < (v.JOBS_CONCURRENCY ?? 8) + 4) {
    problem(`DATABASE_POOL_MAX (${poolMax}) must be at least JOBS_CONCURRENCY + 4 (${(v.JOBS_CONCURRENCY ?? 8) + 4}): the job queue draws from the shared pool (one connection for LISTEN, one per job)`);
  }
  const poolMin = v.DATABASE_POOL_MIN ?? Math.min(12, poolMax);
  if (poolMin > poolMax) problem(`DATABASE_POOL_MIN must be a whole number from 0 to DATABASE_POOL_MAX (${poolMax})`);
  if (v.DATABASE_DIRECT_URL && !v.DATABASE_URL) problem('DATABASE_DIRECT_URL needs DATABASE_URL: it is the direct connection beside a pooled DATABASE_URL (PgBouncer)');
  if (production && !env.DATABASE_URL?.trim()) {
    problem('DATABASE_URL is required when NODE_ENV=production (a postgres:// URL); the embedded PostgreSQL is for development and tests');
  }

  // --- Bank-customer tokens
  let jwtSecret = v.AUTH_JWT_SECRET;
  const jwksUrl = v.AUTH_JWKS_URL;
  let usingDevelopmentSecret = false;
  if (jwtSecret && jwksUrl) {
    problem('AUTH_JWT_SECRET and AUTH_JWKS_URL are mutually exclusive: set the shared HS256 secret or the JWKS URL of the bank identity provider, not both');
  }
  if (!env.AUTH_JWT_SECRET?.trim() && !env.AUTH_JWKS_URL?.trim()) {
    if (production) {
      problem('AUTH_JWT_SECRET or AUTH_JWKS_URL is required when NODE_ENV=production (how bank-customer tokens are verified)');
    } else {
      jwtSecret = DEVELOPMENT_JWT_SECRET;
      usingDevelopmentSecret = true;
    }
  }
  if (production && jwtSecret === DEVELOPMENT_JWT_SECRET) {
    problem('AUTH_JWT_SECRET must not be the development secret when NODE_ENV=production');
  }

  // --- Wise
  if (production && !env.WISE_ENV?.trim()) {
    problem('WISE_ENV is required when NODE_ENV=production (sandbox or production): the embedded simulator is never a silent default');
  }
  const wiseEnvironment = v.WISE_ENV ?? 'simulator';
  const simulated = wiseEnvironment === 'simulator';
  if (production && v.WISE_ENV === 'simulator') {
    problem('WISE_ENV=simulator is refused when NODE_ENV=production: the embedded simulator moves no real money (use sandbox or production)');
  }
  if (wiseEnvironment === 'production' && !production) {
    problem('WISE_ENV=production needs NODE_ENV=production: real money is never moved by a development gateway');
  }
  const wiseDefaults = WISE_ENVIRONMENTS[wiseEnvironment];
  const clientId = v.WISE_CLIENT_ID ?? (simulated ? SIMULATOR_CLIENT.clientId : undefined);
  const clientSecret = v.WISE_CLIENT_SECRET ?? (simulated ? SIMULATOR_CLIENT.clientSecret : undefined);
  if (!clientId) problem(`WISE_CLIENT_ID is required when WISE_ENV=${wiseEnvironment} (the client id Wise gave the bank)`);
  if (!clientSecret) problem(`WISE_CLIENT_SECRET is required when WISE_ENV=${wiseEnvironment} (the client secret Wise gave the bank)`);
  if (production && v.WISE_CLIENT_SECRET === SIMULATOR_CLIENT.clientSecret) {
    problem('WISE_CLIENT_SECRET must not be the simulator\'s client secret when NODE_ENV=production');
  }

  // --- Secrets at rest
  let ring = v.ENCRYPTION_KEYS;
  let usingDevelopmentKey = false;
  if (!env.ENCRYPTION_KEYS?.trim()) {
    if (production) {
      problem('ENCRYPTION_KEYS is required when NODE_ENV=production (keyId:base64 of 32 random bytes; `openssl rand -base64 32`)');
    } else {
      usingDevelopmentKey = true;
      ring = { activeKeyId: 'dev', keys: new Map([['dev', DEVELOPMENT_ENCRYPTION_KEY]]) };
    }
  }
  if (production && ring && [...ring.keys.values()].some((key) => key.equals(DEVELOPMENT_ENCRYPTION_KEY))) {
    problem('ENCRYPTION_KEYS must not hold the development key when NODE_ENV=production');
  }

  // --- Demo data
  const seedDemoData = v.SEED_DEMO_DATA ?? mode === 'development';
  if (production && v.SEED_DEMO_DATA) problem('SEED_DEMO_DATA=true is refused when NODE_ENV=production: demo customers have development tokens');

  // --- Operating it
  const metricsPort = v.METRICS_PORT === 'off' ? undefined : (v.METRICS_PORT ?? (production ? 9464 : 0));
  if (metricsPort && metricsPort === (v.PORT ?? 4000)) problem(`METRICS_PORT must differ from PORT (${metricsPort}): metrics have a listener of their own`);

  if (problems.length > 0) throw new ConfigError(problems);

  const publicUrl = v.PUBLIC_URL?.replace(/\/+$/, '');
  return {
    mode,
    host: v.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    port: v.PORT ?? 4000,
    publicUrl,
    logLevel: v.LOG_LEVEL ?? 'info',
    http: {
      corsOrigins: v.CORS_ORIGINS ?? [],
      trustProxyHops: v.TRUST_PROXY_HOPS ?? 0,
      graphiql: v.GRAPHIQL_ENABLED ?? !production,
      introspection: v.INTROSPECTION_ENABLED ?? !production,
      executor: v.GRAPHQL_EXECUTOR ?? 'jit',
      webApp: v.WEB_APP_ENABLED ?? !production,
    },
    limits: {
      document: {
        maxDepth: v.GRAPHQL_MAX_DEPTH ?? 12,
        maxAliases: v.GRAPHQL_MAX_ALIASES ?? 15,
        maxTokens: v.GRAPHQL_MAX_TOKENS ?? 2000,
        maxCost: v.GRAPHQL_MAX_COST ?? 5000,
        maxDirectives: v.GRAPHQL_MAX_DIRECTIVES ?? 20,
      },
      bodyBytes: v.HTTP_BODY_LIMIT_BYTES ?? 100 * 1024,
      wiseCallsPerRequest: v.WISE_CALLS_PER_REQUEST ?? 20,
      wiseCallsPerCustomerPerMinute: v.WISE_CALLS_PER_CUSTOMER_PER_MINUTE ?? 120,
      requestsPerCustomerPerMinute: v.RATE_LIMIT_PER_CUSTOMER_PER_MINUTE ?? 600,
      requestsPerAddressPerMinute: v.RATE_LIMIT_PER_ADDRESS_PER_MINUTE ?? 3000,
      webSocketsPerCustomer: v.WS_CONNECTIONS_PER_CUSTOMER ?? 5,
      subscriptionsPerWebSocket: v.WS_SUBSCRIPTIONS_PER_CONNECTION ?? 20,
    },
    database: {
      url: v.DATABASE_URL,
      directUrl: v.DATABASE_DIRECT_URL,
      embedded: {
        dataDir: path.resolve(v.EMBEDDED_POSTGRES_DIR ?? '.data/postgres'),
        dataDirExplicit: v.EMBEDDED_POSTGRES_DIR !== undefined,
        port: v.EMBEDDED_POSTGRES_PORT ?? 54329,
      },
      pool: { min: poolMin, max: poolMax },
      ormPoolMax: v.DATABASE_ORM_POOL_MAX ?? 10,
      lockPoolMax: v.DATABASE_LOCK_POOL_MAX ?? 8,
    },
    auth: { jwtSecret, jwksUrl, issuer: v.AUTH_JWT_ISSUER, audience: v.AUTH_JWT_AUDIENCE, usingDevelopmentSecret },
    wise: {
      environment: wiseEnvironment,
      // An override works in every environment; in simulator mode it puts something (a
      // recording proxy, say) between the gateway and the simulator it still starts.
      apiUrl: v.WISE_API_URL?.replace(/\/+$/, '') ?? wiseDefaults.apiUrl,
      authorizeUrl: v.WISE_AUTHORIZE_URL ?? wiseDefaults.authorizeUrl,
      clientId: clientId!,
      clientSecret: clientSecret!,
      clientKey: v.WISE_CLIENT_KEY ?? clientId!,
      webhookPublicKeyPem: v.WISE_WEBHOOK_PUBLIC_KEY ?? wiseDefaults.webhookPublicKeyPem,
      scaPrivateKeyPem: v.WISE_SCA_PRIVATE_KEY,
    },
    simulator: {
      host: v.SIMULATOR_HOST ?? '127.0.0.1',
      port: v.SIMULATOR_PORT ?? 4010,
      // Kept across restarts in development (links survive `npm start` twice); in memory otherwise.
      stateFile: v.SIMULATOR_STATE_FILE
        ? path.resolve(v.SIMULATOR_STATE_FILE)
        : simulated && mode === 'development'
          ? path.resolve('.data/simulator.json')
          : undefined,
      autoVerifySeconds: v.SIMULATOR_AUTO_VERIFY_SECONDS !== undefined ? v.SIMULATOR_AUTO_VERIFY_SECONDS || undefined : mode === 'development' ? 5 : undefined,
      webhookRetryBaseMs: v.SIMULATOR_WEBHOOK_RETRY_BASE_MS ?? 1000,
      webhookPrivateKeyPem: v.SIMULATOR_WEBHOOK_KEY_FILE,
    },
    encryption: { keyRing: ring!, usingDevelopmentKey },
    onboarding: { model: v.ONBOARDING_MODEL ?? 'partner_kyc', frontendUrl: v.FRONTEND_URL, sourceCurrencies: v.BANK_SOURCE_CURRENCIES ?? ['GBP', 'EUR', 'USD'] },
    jobs: { enabled: v.JOBS_ENABLED ?? true, concurrency: v.JOBS_CONCURRENCY ?? 8, eventRetentionDays: v.EVENT_LOG_RETENTION_DAYS ?? 30 },
    webhooks: { ensureSubscriptions: v.WEBHOOK_SUBSCRIPTIONS_ENSURE ?? (simulated || Boolean(publicUrl?.startsWith('https:'))) },
    ops: {
      metrics: metricsPort === undefined ? undefined : { host: v.METRICS_HOST ?? (production ? '0.0.0.0' : '127.0.0.1'), port: metricsPort },
      tracing: v.OTEL_EXPORTER_OTLP_ENDPOINT ? { endpoint: v.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, ''), serviceName: v.OTEL_SERVICE_NAME ?? 'wise-platform-gateway', sampleRatio: v.OTEL_TRACES_SAMPLER_ARG ?? 1 } : undefined,
      shutdownDrainSeconds: v.SHUTDOWN_DRAIN_SECONDS ?? (production ? 5 : 0),
      migrationsOnStart: v.MIGRATIONS_ON_START ?? true,
      wiseCallRetentionDays: v.WISE_CALL_RETENTION_DAYS ?? 90,
      webhookInboxRetentionDays: v.WEBHOOK_INBOX_RETENTION_DAYS ?? 30,
    },
    wiseHttp: { timeoutMs: v.WISE_TIMEOUT_MS ?? 10_000, maxRetries: v.WISE_MAX_RETRIES ?? 3, backoffBaseMs: v.WISE_BACKOFF_BASE_MS ?? 200 },
    seedDemoData,
  };
}

// --- The simulator on its own (npm run simulator) ----------------------------------------------

export const simulatorVariables = {
  SIMULATOR_HOST: text(),
  SIMULATOR_PORT: port(),
  SIMULATOR_CLIENT_ID: text(),
  SIMULATOR_CLIENT_SECRET: text(),
  SIMULATOR_CLIENT_KEY: text(),
  SIMULATOR_REDIRECT_URIS: list((u) => (URL.canParse(u) ? u : undefined), 'URLs separated by commas'),
  SIMULATOR_STATE_FILE: text(),
  SIMULATOR_WEBHOOK_RETRY_BASE_MS: variables.SIMULATOR_WEBHOOK_RETRY_BASE_MS,
  SIMULATOR_AUTO_VERIFY_SECONDS: variables.SIMULATOR_AUTO_VERIFY_SECONDS,
  SIMULATOR_WEBHOOK_KEY_FILE: variables.SIMULATOR_WEBHOOK_KEY_FILE,
};

export type StandaloneSimulatorConfig = {
  host: string;
  port: number;
  clientId?: string;
  clientSecret?: string;
  clientKey?: string;
  redirectUris: string[];
  stateFile?: string;
  webhookRetryBaseMs: number;
  autoVerifySeconds?: number;
  webhookPrivateKeyPem?: string;
};

/** The standalone simulator's settings, checked like the gateway's (exit 78 with every problem). */
export function loadSimulatorConfig(env: Env = process.env): StandaloneSimulatorConfig {
  const { values: v, problems } = parseEnv(simulatorVariables, env);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host: v.SIMULATOR_HOST ?? '127.0.0.1',
    port: v.SIMULATOR_PORT ?? 4010,
    clientId: v.SIMULATOR_CLIENT_ID,
    clientSecret: v.SIMULATOR_CLIENT_SECRET,
    clientKey: v.SIMULATOR_CLIENT_KEY ?? v.SIMULATOR_CLIENT_ID,
    redirectUris: v.SIMULATOR_REDIRECT_URIS ?? ['http://localhost:4000/oauth/callback'],
    stateFile: v.SIMULATOR_STATE_FILE,
    webhookRetryBaseMs: v.SIMULATOR_WEBHOOK_RETRY_BASE_MS ?? 1000,
    autoVerifySeconds: v.SIMULATOR_AUTO_VERIFY_SECONDS || undefined,
    webhookPrivateKeyPem: v.SIMULATOR_WEBHOOK_KEY_FILE,
  };
}
