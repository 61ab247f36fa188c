/**
 * Every variable the gateway reads, each with the parser that checks it: the one catalogue.
 * .env.example documents exactly these (a test keeps the two in step); defaults, and rules that
 * cross variables, live with the section they configure (database.ts, wise.ts, …).
 */
import { z } from 'zod';
import { type Env, flag, keyRing, list, currency, oneOf, origin, pem, pemFile, port, positiveNumber, refuse, text, url, wholeNumber } from './parse.js';

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
  RESPONSE_CACHE_MAX_BYTES: wholeNumber(0, 16 * 1024 * 1024 * 1024),
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
  OTEL_EXPRESS_SPANS: flag(),
  OTEL_TRACES_SAMPLER_ARG: z.string().transform((v, ctx) => (/^(0(\.\d+)?|1(\.0+)?)$/.test(v) ? Number(v) : refuse(ctx, `must be a ratio from 0 to 1, e.g. 0.1 (got "${v}")`))),
  SHUTDOWN_DRAIN_SECONDS: wholeNumber(0, 300, ' of seconds'),
  MIGRATIONS_ON_START: flag(),
  WISE_CALL_RETENTION_DAYS: wholeNumber(1, 3650, ' of days'),
  RECONCILE_BATCH_SIZE: wholeNumber(1, 100_000, ' of transfers'),
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

export type RuntimeMode = 'development' | 'test' | 'production';

/**
 * What a section reads to build itself: the parsed values, the raw environment (a variable set
 * but malformed is already reported; some rules ask only whether it was set), the runtime mode,
 * and where to report a problem — all problems are reported together, once every section ran.
 */
export type SectionInput = { v: ParsedEnv; env: Env; mode: RuntimeMode; production: boolean; problem: (message: string) => void };
