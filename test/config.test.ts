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
