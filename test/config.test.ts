import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig, parseEnv, variables } from '../src/config.js';
import { startTestGateway } from './support/gateway.js';
import { freePort } from './support/ports.js';

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
    expect(problemsOf({ JOBS_CONCURRENCY: '0' })).toEqual(['JOBS_CONCURRENCY must be a whole number from 1 to 50 (got "0")']);
    expect(problemsOf({ DATABASE_POOL_MAX: '1' })).toEqual(['DATABASE_POOL_MAX must be a whole number from 2 to 200 (got "1")']);
    expect(problemsOf({ DATABASE_POOL_MIN: '30' })).toEqual(['DATABASE_POOL_MIN must be a whole number from 0 to DATABASE_POOL_MAX (24)']);
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

  it('stops the real process with exit code 78 and the message on stderr', { timeout: 300_000 }, async () => {
    const result = await startProcess('src/main.ts', { PORT: 'not-a-port', DATABASE_URL: '' }, true);
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('PORT must be a TCP port number between 0 and 65535 (got "not-a-port")');
    expect(result.stderr).toContain('.env.example');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

/**
 * Runs the real entry point (what `npm start` runs) with exactly this environment, until it
 * exits — however long a busy machine takes to start it (no clock but the test's own).
 */
function startProcess(entry: string, env: Record<string, string>, inherit = false): Promise<{ status: number | null; stderr: string; stdout: string }> {
  const { PATH, HOME, TMPDIR } = process.env;
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', entry], {
    env: (inherit ? { ...process.env, ...env } : { PATH, HOME, TMPDIR, ...env }) as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stderr, stdout })));
}

const PRODUCTION_SECRETS = {
  AUTH_JWKS_URL: 'https://idp.bank.example/.well-known/jwks.json',
  ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

describe('configuration: nothing is read before it is checked', () => {
  it('refuses every malformed variable, including the Wise URLs, the simulator port and the back-off, all at once', () => {
    expect(problemsOf({ WISE_API_URL: 'api.wise.com', WISE_AUTHORIZE_URL: 'ftp://wise.com', SIMULATOR_PORT: 'x', WISE_BACKOFF_BASE_MS: 'abc' })).toEqual([
      'WISE_API_URL must be a http: or https: URL (got "api.wise.com")',
      'WISE_AUTHORIZE_URL must be a http: or https: URL (got "ftp://wise.com")',
      'WISE_BACKOFF_BASE_MS must be a whole number of milliseconds from 1 to 60000 (got "abc")',
      'SIMULATOR_PORT must be a TCP port number between 0 and 65535 (got "x")',
    ]);
  });

  it('refuses a CORS origin with a path, a limit that is not a number and a flag that is not true or false', () => {
    expect(problemsOf({ CORS_ORIGINS: 'https://app.bank.example/app', GRAPHQL_MAX_DEPTH: 'deep', GRAPHIQL_ENABLED: 'yes' })).toEqual([
      expect.stringMatching(/^CORS_ORIGINS must be origins separated by commas/),
      'GRAPHIQL_ENABLED must be one of true, false (got "yes")',
      'GRAPHQL_MAX_DEPTH must be a whole number from 1 to 100 (got "deep")',
    ]);
  });

  it('uses a Wise base-URL override in every environment, the simulator included', () => {
    expect(loadConfig({ WISE_API_URL: 'http://127.0.0.1:9999/' }).wise.apiUrl).toBe('http://127.0.0.1:9999');
    expect(loadConfig({ WISE_ENV: 'sandbox', WISE_CLIENT_ID: 'a', WISE_CLIENT_SECRET: 'b', WISE_API_URL: 'https://proxy.bank.example' }).wise.apiUrl).toBe('https://proxy.bank.example');
  });

  it('documents in .env.example exactly the variables the schema reads, each example value valid', () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const lines = example.split('\n').filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line));
    const documented = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    expect(Object.keys(documented).sort()).toEqual(Object.keys(variables).sort());
    expect(parseEnv(variables, documented).problems).toEqual([]);
  });

  it('no module outside the configuration reads process.env', () => {
    const offenders = execFileSync('grep', ['-rln', 'process.env', 'src'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(offenders).toEqual(['src/config.ts']);
  });
});

describe('configuration: production refuses to start wrong', () => {
  it('refuses NODE_ENV=production alone, naming WISE_ENV, DATABASE_URL, token verification and ENCRYPTION_KEYS at once (exit 78)', { timeout: 300_000 }, async () => {
    const result = await startProcess('src/main.ts', { NODE_ENV: 'production' });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('WISE_ENV is required when NODE_ENV=production');
    expect(result.stderr).toContain('DATABASE_URL is required when NODE_ENV=production');
    expect(result.stderr).toContain('AUTH_JWT_SECRET or AUTH_JWKS_URL is required when NODE_ENV=production');
    expect(result.stderr).toContain('ENCRYPTION_KEYS is required when NODE_ENV=production');
    expect(result.stdout).not.toContain('gateway ready');
  });

  it('refuses the simulator, the development secrets and demo data in production, each by name (exit 78)', { timeout: 300_000 }, async () => {
    const developmentKey = createHash('sha256').update('wise-platform-gateway development key').digest().toString('base64');
    const result = await startProcess('src/main.ts', {
      NODE_ENV: 'production',
      WISE_ENV: 'simulator',
      WISE_CLIENT_SECRET: 'simulator-client-secret',
      DATABASE_URL: 'postgres://gateway@db.bank.example/wise',
      AUTH_JWT_SECRET: DEVELOPMENT_JWT_SECRET,
      ENCRYPTION_KEYS: `dev:${developmentKey}`,
      SEED_DEMO_DATA: 'true',
    });
    expect(result.status).toBe(78);
    for (const refusal of [
      'WISE_ENV=simulator is refused when NODE_ENV=production',
      "WISE_CLIENT_SECRET must not be the simulator's client secret",
      'AUTH_JWT_SECRET must not be the development secret when NODE_ENV=production',
      'ENCRYPTION_KEYS must not hold the development key when NODE_ENV=production',
      'SEED_DEMO_DATA=true is refused when NODE_ENV=production',
    ]) {
      expect(result.stderr).toContain(refusal);
    }
    expect(result.stderr).not.toContain(developmentKey);
  });

  it('turns GraphiQL and introspection off in production unless explicitly enabled', () => {
    const production = { NODE_ENV: 'production', WISE_ENV: 'sandbox', WISE_CLIENT_ID: 'bank', WISE_CLIENT_SECRET: 'secret', DATABASE_URL: 'postgres://db/wise', ...PRODUCTION_SECRETS };
    expect(loadConfig(production).http).toMatchObject({ graphiql: false, introspection: false, webApp: false });
    expect(loadConfig({ ...production, GRAPHIQL_ENABLED: 'true', INTROSPECTION_ENABLED: 'true', WEB_APP_ENABLED: 'true' }).http).toMatchObject({ graphiql: true, introspection: true, webApp: true });
    expect(loadConfig({}).http).toMatchObject({ graphiql: true, introspection: true, webApp: true });
  });

  it('stops the standalone simulator with exit code 78 on a malformed variable', { timeout: 300_000 }, async () => {
    const result = await startProcess('src/simulator/main.ts', { SIMULATOR_PORT: 'eighty', SIMULATOR_WEBHOOK_RETRY_BASE_MS: 'soon' });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('SIMULATOR_PORT must be a TCP port number between 0 and 65535 (got "eighty")');
    expect(result.stderr).toContain('SIMULATOR_WEBHOOK_RETRY_BASE_MS must be a positive number of milliseconds (got "soon")');
  });
});

describe('configuration: a Wise base-URL override in simulator mode', () => {
  it('sends every Wise call through WISE_API_URL while the embedded simulator still runs behind it', async () => {
    const simulatorPort = await freePort();
    const seen: string[] = [];
    // A recording proxy, as a bank team would put between the gateway and Wise.
    const proxy = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url?.split('?')[0]}`);
      const upstream = http.request({ host: '127.0.0.1', port: simulatorPort, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const gateway = await startTestGateway({ SIMULATOR_PORT: String(simulatorPort), WISE_API_URL: proxyUrl });
    try {
      expect(gateway.wise.apiUrl).toBe(proxyUrl);
      expect(gateway.simulator?.url).toContain(String(simulatorPort));
      // Start-up ensured the webhook subscriptions at "Wise": through the proxy.
      await vi.waitFor(() => expect(seen).toContainEqual(expect.stringMatching(/^GET \/v3\/applications\/.+\/subscriptions$/)), { timeout: 20_000 });
    } finally {
      await gateway.stop();
      proxy.close();
    }
  });
});
