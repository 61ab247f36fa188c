/**
 * The one validated configuration object. Every variable read here is documented in
 * .env.example; a missing or malformed value stops start-up with a message that names the
 * variable and says what it expects, all problems at once rather than one per restart.
 */
import path from 'node:path';

export type WiseEnvironment = 'simulator' | 'sandbox' | 'production';
export type RuntimeMode = 'development' | 'test' | 'production';

export type Config = {
  mode: RuntimeMode;
  host: string;
  port: number;
  /** Where browsers and Wise reach this gateway (OAuth callback, webhooks). */
  publicUrl: string;
  logLevel: string;
  database: {
    /** Set when DATABASE_URL is given; otherwise an embedded PostgreSQL is started. */
    url?: string;
    /** dataDirExplicit: EMBEDDED_POSTGRES_DIR was given, so never relocate it. */
    embedded: { dataDir: string; dataDirExplicit: boolean; port: number };
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
  };
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
  const publicUrl = r.url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  const logLevel = r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info');

  const databaseUrl = r.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const dataDirExplicit = r.string('EMBEDDED_POSTGRES_DIR') !== undefined;
  const dataDir = path.resolve(r.string('EMBEDDED_POSTGRES_DIR') ?? '.data/postgres');
  const embeddedPort = r.port('EMBEDDED_POSTGRES_PORT', 54329);
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

  const seed = r.oneOf('SEED_DEMO_DATA', ['true', 'false'], mode === 'development' ? 'true' : 'false');

  if (r.problems.length > 0) throw new ConfigError(r.problems);

  return {
    mode,
    host,
    port,
    publicUrl,
    logLevel,
    database: { url: databaseUrl, embedded: { dataDir, dataDirExplicit, port: embeddedPort } },
    auth: {
      jwtSecret,
      jwksUrl,
      issuer: r.string('AUTH_JWT_ISSUER'),
      audience: r.string('AUTH_JWT_AUDIENCE'),
      usingDevelopmentSecret,
    },
    wise: { environment: wiseEnvironment },
    seedDemoData: seed === 'true',
  };
}
