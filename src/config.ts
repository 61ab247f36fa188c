/**
 * The one validated configuration object. Every variable read here is documented in
 * .env.example; a missing or malformed value stops start-up with a message that names the
 * variable and says what it expects, all problems at once rather than one per restart.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseKeyRing, type KeyRing } from './services/secrets.js';

export type WiseEnvironment = 'simulator' | 'sandbox' | 'production';
export type RuntimeMode = 'development' | 'test' | 'production';
export type OnboardingModel = 'partner_kyc' | 'wise_kyc' | 'wise_kyc_prefilled';

export type Config = {
  mode: RuntimeMode;
  host: string;
  port: number;
  /** Where browsers and Wise reach this gateway (OAuth callback, webhooks); default: the listening URL. */
  publicUrl?: string;
  logLevel: string;
  database: {
    /** Set when DATABASE_URL is given; otherwise an embedded PostgreSQL is started. */
    url?: string;
    /** dataDirExplicit: EMBEDDED_POSTGRES_DIR was given, so never relocate it. */
    embedded: { dataDir: string; dataDirExplicit: boolean; port: number };
    /** The hot paths' connection pool (db/plain.ts): connections kept open while idle, and at most. */
    pool: { min: number; max: number };
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
    /** API base URL; for the simulator, filled in once it listens. */
    apiUrl?: string;
    /** Browser authorization page. */
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
  };
  webhooks: {
    /** Create the application webhook subscriptions at Wise on start-up when missing. */
    ensureSubscriptions: boolean;
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

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  }

  port(name: string, fallback: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      this.problems.push(`${name} must be a TCP port number between 0 and 65535 (got "${value}")`);
      return fallback;
    }
    return n;
  }

  url(name: string, protocols: string[]): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
      return value;
    } catch {
      this.problems.push(`${name} must be a ${protocols.join(' or ')} URL (got "${redactUrl(value)}")`);
      return undefined;
    }
  }

  string(name: string): string | undefined {
    return this.raw(name);
  }
}

/** Never echo a password embedded in a URL back into a log or error message. */
function redactUrl(value: string): string {
  return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

export function loadConfig(env: Env = process.env): Config {
  const r = new Reader(env);
  const mode = r.oneOf<RuntimeMode>('NODE_ENV', ['development', 'test', 'production'], 'development');
  const port = r.port('PORT', 4000);
  const host = r.string('HOST') ?? (mode === 'production' ? '0.0.0.0' : '127.0.0.1');
  const publicUrl = r.url('PUBLIC_URL', ['http:', 'https:'])?.replace(/\/+$/, '');
  const logLevel = r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info');

  const databaseUrl = r.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const dataDirExplicit = r.string('EMBEDDED_POSTGRES_DIR') !== undefined;
  const dataDir = path.resolve(r.string('EMBEDDED_POSTGRES_DIR') ?? '.data/postgres');
  const embeddedPort = r.port('EMBEDDED_POSTGRES_PORT', 54329);
  const poolMin = Number(r.string('DATABASE_POOL_MIN') ?? 12);
  const poolMax = Number(r.string('DATABASE_POOL_MAX') ?? 16);
  if (!Number.isInteger(poolMax) || poolMax < 2 || poolMax > 200) r.problems.push('DATABASE_POOL_MAX must be a whole number from 2 to 200');
  else if (!Number.isInteger(poolMin) || poolMin < 0 || poolMin > poolMax) r.problems.push(`DATABASE_POOL_MIN must be a whole number from 0 to DATABASE_POOL_MAX (${poolMax})`);
  if (mode === 'production' && !databaseUrl) {
    r.problems.push('DATABASE_URL is required when NODE_ENV=production (a postgres:// URL); the embedded PostgreSQL is for development and tests');
  }

  let jwtSecret = r.string('AUTH_JWT_SECRET');
  const jwksUrl = r.url('AUTH_JWKS_URL', ['http:', 'https:']);
  let usingDevelopmentSecret = false;
  if (jwtSecret && jwksUrl) {
    r.problems.push('AUTH_JWT_SECRET and AUTH_JWKS_URL are mutually exclusive: set the shared HS256 secret or the JWKS URL of the bank identity provider, not both');
  }
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    r.problems.push('AUTH_JWT_SECRET must be at least 32 characters (an HS256 shared secret)');
  }
  if (!jwtSecret && !jwksUrl) {
    if (mode === 'production') {
      r.problems.push('AUTH_JWT_SECRET or AUTH_JWKS_URL is required when NODE_ENV=production (how bank-customer tokens are verified)');
    } else {
      jwtSecret = DEVELOPMENT_JWT_SECRET;
      usingDevelopmentSecret = true;
    }
  }
  if (mode === 'production' && jwtSecret === DEVELOPMENT_JWT_SECRET) {
    r.problems.push('AUTH_JWT_SECRET must not be the development secret when NODE_ENV=production');
  }

  const wiseEnvironment = r.oneOf<WiseEnvironment>('WISE_ENV', ['simulator', 'sandbox', 'production'], 'simulator');
  const wiseDefaults = WISE_ENVIRONMENTS[wiseEnvironment];
  const simulated = wiseEnvironment === 'simulator';
  const clientId = r.string('WISE_CLIENT_ID') ?? (simulated ? SIMULATOR_CLIENT.clientId : undefined);
  const clientSecret = r.string('WISE_CLIENT_SECRET') ?? (simulated ? SIMULATOR_CLIENT.clientSecret : undefined);
  if (!clientId) r.problems.push(`WISE_CLIENT_ID is required when WISE_ENV=${wiseEnvironment} (the client id Wise gave the bank)`);
  if (!clientSecret) r.problems.push(`WISE_CLIENT_SECRET is required when WISE_ENV=${wiseEnvironment} (the client secret Wise gave the bank)`);
  if (wiseEnvironment === 'production' && mode !== 'production') {
    r.problems.push('WISE_ENV=production needs NODE_ENV=production: real money is never moved by a development gateway');
  }
  const webhookPublicKeyPem = r.string('WISE_WEBHOOK_PUBLIC_KEY')?.replace(/\\n/g, '\n') ?? wiseDefaults.webhookPublicKeyPem;
  if (webhookPublicKeyPem && !webhookPublicKeyPem.includes('BEGIN PUBLIC KEY')) {
    r.problems.push('WISE_WEBHOOK_PUBLIC_KEY must be a PEM public key ("-----BEGIN PUBLIC KEY-----…"; \\n for line breaks)');
  }
  const scaPrivateKeyPem = r.string('WISE_SCA_PRIVATE_KEY')?.replace(/\\n/g, '\n');
  if (scaPrivateKeyPem && !scaPrivateKeyPem.includes('PRIVATE KEY')) r.problems.push('WISE_SCA_PRIVATE_KEY must be a PEM private key (\\n for line breaks)');
  let simulatorKeyPem: string | undefined;
  const simulatorKeyFile = r.string('SIMULATOR_WEBHOOK_KEY_FILE');
  if (simulatorKeyFile) {
    try {
      simulatorKeyPem = readFileSync(simulatorKeyFile, 'utf8');
      if (!simulatorKeyPem.includes('PRIVATE KEY')) throw new Error('not a PEM private key');
    } catch (error) {
      r.problems.push(`SIMULATOR_WEBHOOK_KEY_FILE must name a readable PEM private key file (${(error as Error).message})`);
    }
  }
  const autoVerify = r.string('SIMULATOR_AUTO_VERIFY_SECONDS');
  if (autoVerify !== undefined && !(Number(autoVerify) >= 0)) r.problems.push(`SIMULATOR_AUTO_VERIFY_SECONDS must be a number of seconds, 0 to turn it off (got "${autoVerify}")`);
  const retryBase = Number(r.string('SIMULATOR_WEBHOOK_RETRY_BASE_MS') ?? 1000);
  if (!(retryBase > 0)) r.problems.push('SIMULATOR_WEBHOOK_RETRY_BASE_MS must be a positive number of milliseconds');

  let keyRing: KeyRing | undefined;
  let usingDevelopmentKey = false;
  const keysValue = r.string('ENCRYPTION_KEYS');
  if (keysValue) {
    const parsed = parseKeyRing(keysValue);
    if (typeof parsed === 'string') r.problems.push(`ENCRYPTION_KEYS: ${parsed}`);
    else keyRing = parsed;
  } else if (mode === 'production') {
    r.problems.push('ENCRYPTION_KEYS is required when NODE_ENV=production (keyId:base64 of 32 random bytes; `openssl rand -base64 32`)');
  } else {
    usingDevelopmentKey = true;
    keyRing = { activeKeyId: 'dev', keys: new Map([['dev', createHash('sha256').update('wise-platform-gateway development key').digest()]]) };
  }

  const model = r.oneOf<OnboardingModel>('ONBOARDING_MODEL', ['partner_kyc', 'wise_kyc', 'wise_kyc_prefilled'], 'partner_kyc');
  const frontendUrl = r.url('FRONTEND_URL', ['http:', 'https:']);
  const sourceCurrencies = (r.string('BANK_SOURCE_CURRENCIES') ?? 'GBP,EUR,USD').split(',').map((c) => c.trim().toUpperCase());
  if (sourceCurrencies.some((c) => !/^[A-Z]{3}$/.test(c))) r.problems.push('BANK_SOURCE_CURRENCIES must be ISO 4217 codes separated by commas, e.g. GBP,EUR');
  const timeoutMs = Number(r.string('WISE_TIMEOUT_MS') ?? 10_000);
  if (!(timeoutMs >= 100 && timeoutMs <= 120_000)) r.problems.push('WISE_TIMEOUT_MS must be between 100 and 120000 milliseconds');
  const maxRetries = Number(r.string('WISE_MAX_RETRIES') ?? 3);
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 10) r.problems.push('WISE_MAX_RETRIES must be a whole number from 0 to 10');

  const jobsEnabled = r.oneOf('JOBS_ENABLED', ['true', 'false'], 'true') === 'true';
  const jobsConcurrency = Number(r.string('JOBS_CONCURRENCY') ?? 8);
  if (!Number.isInteger(jobsConcurrency) || jobsConcurrency < 1 || jobsConcurrency > 50) r.problems.push('JOBS_CONCURRENCY must be a whole number from 1 to 50');
  const ensureDefault = wiseEnvironment === 'simulator' || Boolean(publicUrl?.startsWith('https:')) ? 'true' : 'false';
  const ensureSubscriptions = r.oneOf('WEBHOOK_SUBSCRIPTIONS_ENSURE', ['true', 'false'], ensureDefault) === 'true';

  const seed = r.oneOf('SEED_DEMO_DATA', ['true', 'false'], mode === 'development' ? 'true' : 'false');

  if (r.problems.length > 0) throw new ConfigError(r.problems);

  return {
    mode,
    host,
    port,
    publicUrl,
    logLevel,
    database: { url: databaseUrl, embedded: { dataDir, dataDirExplicit, port: embeddedPort }, pool: { min: poolMin, max: poolMax } },
    auth: {
      jwtSecret,
      jwksUrl,
      issuer: r.string('AUTH_JWT_ISSUER'),
      audience: r.string('AUTH_JWT_AUDIENCE'),
      usingDevelopmentSecret,
    },
    wise: {
      environment: wiseEnvironment,
      apiUrl: r.url('WISE_API_URL', ['http:', 'https:']) ?? wiseDefaults.apiUrl,
      authorizeUrl: r.url('WISE_AUTHORIZE_URL', ['http:', 'https:']) ?? wiseDefaults.authorizeUrl,
      clientId: clientId ?? '',
      clientSecret: clientSecret ?? '',
      clientKey: r.string('WISE_CLIENT_KEY') ?? clientId ?? '',
      webhookPublicKeyPem,
      scaPrivateKeyPem,
    },
    simulator: {
      host: r.string('SIMULATOR_HOST') ?? '127.0.0.1',
      port: r.port('SIMULATOR_PORT', 4010),
      // Kept across restarts in development (links survive `npm start` twice); in memory otherwise.
      stateFile: r.string('SIMULATOR_STATE_FILE')
        ? path.resolve(r.string('SIMULATOR_STATE_FILE')!)
        : simulated && mode === 'development'
          ? path.resolve('.data/simulator.json')
          : undefined,
      autoVerifySeconds: autoVerify !== undefined ? Number(autoVerify) || undefined : mode === 'development' ? 5 : undefined,
      webhookRetryBaseMs: retryBase,
      webhookPrivateKeyPem: simulatorKeyPem,
    },
    encryption: { keyRing: keyRing!, usingDevelopmentKey },
    onboarding: { model, frontendUrl, sourceCurrencies },
    jobs: { enabled: jobsEnabled, concurrency: jobsConcurrency },
    webhooks: { ensureSubscriptions },
    wiseHttp: { timeoutMs, maxRetries, backoffBaseMs: Number(r.string('WISE_BACKOFF_BASE_MS') ?? 200) },
    seedDemoData: seed === 'true',
  };
}
