import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('starts with no variables at all in development: embedded Postgres, simulator, port 4000', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.database.url).toBeUndefined();
    expect(config.wise.environment).toBe('simulator');
    expect(config.auth.usingDevelopmentSecret).toBe(true);
  });

  it('names the variable and what it expects for a malformed value', () => {
    expect(problemsOf({ PORT: 'eighty' })).toEqual(['PORT must be a TCP port number between 0 and 65535 (got "eighty")']);
    expect(problemsOf({ WISE_ENV: 'live' })).toEqual(['WISE_ENV must be one of simulator, sandbox, production (got "live")']);
    expect(problemsOf({ DATABASE_URL: 'mysql://x' })).toEqual(['DATABASE_URL must be a postgres: or postgresql: URL (got "mysql://x")']);
    expect(problemsOf({ AUTH_JWT_SECRET: 'short' })).toEqual(['AUTH_JWT_SECRET must be at least 32 characters (an HS256 shared secret)']);
    expect(problemsOf({ JOBS_CONCURRENCY: '0' })).toEqual(['JOBS_CONCURRENCY must be a whole number from 1 to 50']);
    expect(problemsOf({ DATABASE_POOL_MAX: '1' })).toEqual(['DATABASE_POOL_MAX must be a whole number from 2 to 200']);
    expect(problemsOf({ DATABASE_POOL_MIN: '30' })).toEqual(['DATABASE_POOL_MIN must be a whole number from 0 to DATABASE_POOL_MAX (16)']);
  });

  it('never echoes a database password in an error', () => {
    const [problem] = problemsOf({ DATABASE_URL: 'mysql://bank:hunter2@db/x' });
    expect(problem).not.toContain('hunter2');
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ PORT: '-1', LOG_LEVEL: 'loud' })).toHaveLength(2);
  });

  it('requires real secrets and a real database in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toContainEqual(expect.stringMatching(/^DATABASE_URL is required when NODE_ENV=production/));
    expect(problems).toContainEqual(expect.stringMatching(/^AUTH_JWT_SECRET or AUTH_JWKS_URL is required/));
  });

  it('needs the bank\'s Wise client for the sandbox, and a production runtime for Wise production', () => {
    expect(problemsOf({ WISE_ENV: 'sandbox' })).toEqual([
      'WISE_CLIENT_ID is required when WISE_ENV=sandbox (the client id Wise gave the bank)',
      'WISE_CLIENT_SECRET is required when WISE_ENV=sandbox (the client secret Wise gave the bank)',
    ]);
    expect(problemsOf({ WISE_ENV: 'production', WISE_CLIENT_ID: 'a', WISE_CLIENT_SECRET: 'b' })).toEqual([
      'WISE_ENV=production needs NODE_ENV=production: real money is never moved by a development gateway',
    ]);
    const sandbox = loadConfig({ WISE_ENV: 'sandbox', WISE_CLIENT_ID: 'bank', WISE_CLIENT_SECRET: 's' });
    expect(sandbox.wise).toMatchObject({ apiUrl: 'https://api.wise-sandbox.com', authorizeUrl: 'https://wise-sandbox.com/oauth/authorize/', clientKey: 'bank' });
    expect(sandbox.wise.webhookPublicKeyPem).toContain('MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwpb91cEYuyJNQepZAVfP');
  });

  it('refuses a webhook key that is not a PEM public key', () => {
    expect(problemsOf({ WISE_WEBHOOK_PUBLIC_KEY: 'abc' })).toEqual([expect.stringMatching(/^WISE_WEBHOOK_PUBLIC_KEY must be a PEM public key/)]);
  });

  it('refuses both a shared secret and a JWKS URL', () => {
    expect(problemsOf({ AUTH_JWT_SECRET: 'x'.repeat(40), AUTH_JWKS_URL: 'https://idp.bank.example/jwks' })).toEqual([
      expect.stringMatching(/^AUTH_JWT_SECRET and AUTH_JWKS_URL are mutually exclusive/),
    ]);
  });

  it('stops the real process with exit code 78 and the message on stderr', () => {
    const result = spawnSync(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/main.ts'], {
      env: { ...process.env, PORT: 'not-a-port', DATABASE_URL: '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('PORT must be a TCP port number between 0 and 65535 (got "not-a-port")');
    expect(result.stderr).toContain('.env.example');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
