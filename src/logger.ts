/**
 * Structured JSON logs, one object a line on stdout. Secrets are removed by pino's `redact`
 * paths — configuration, not hope: anything logged under one of these keys, at any of these
 * depths, is replaced. Error codes (`err.code`: ECONNREFUSED, 57P01, …) are not secrets and stay
 * visible: only an OAuth authorization `code` where one can appear (a callback's query) is hidden.
 * Every line written while serving a request carries its requestId, customerId and
 * operationName (ops/log-context.ts).
 */
import { pino, type Logger } from 'pino';
import { logFields } from './ops/log-context.js';

const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'cookie',
  'password',
  'secret',
  'clientSecret',
  'client_secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'registrationCode',
  'registration_code',
  'claimAccountCode',
  'oneTimeToken',
  'databaseUrl',
  'jwtSecret',
];

/** Where an OAuth authorization code can sit: a callback's query or a token request's form. */
const AUTHORIZATION_CODE_PATHS = ['query.code', 'params.code', 'form.code', 'body.code'];

export const REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]),
  ...AUTHORIZATION_CODE_PATHS.flatMap((path) => [path, `*.${path}`, `*.*.${path}`]),
];

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'wise-platform-gateway' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: logFields,
    },
    destination,
  );
}
