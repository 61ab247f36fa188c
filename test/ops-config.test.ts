/** The operating settings are validated with the rest: a bad one stops start-up, naming it. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig({ NODE_ENV: 'test', ...env });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('operating settings', () => {
  it('default to metrics on port 9464, a 5 s drain and migrations at start-up in production, a free port and no drain otherwise', () => {
    const test = loadConfig({ NODE_ENV: 'test' });
    expect(test.ops).toMatchObject({ metrics: { port: 0, host: '127.0.0.1' }, shutdownDrainSeconds: 0, migrationsOnStart: true, tracing: undefined });
    expect(loadConfig({ NODE_ENV: 'test', METRICS_PORT: 'off', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).ops).toMatchObject({ metrics: undefined, tracing: { endpoint: 'http://collector:4318', serviceName: 'wise-platform-gateway' } });
  });

  it('refuses malformed values, each by name', () => {
    const problems = problemsOf({
      METRICS_PORT: 'nine',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      SHUTDOWN_DRAIN_SECONDS: '-1',
      MIGRATIONS_ON_START: 'no',
      WISE_CALL_RETENTION_DAYS: '0',
      WEBHOOK_INBOX_RETENTION_DAYS: '10',
    });
    for (const name of ['METRICS_PORT', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'SHUTDOWN_DRAIN_SECONDS', 'MIGRATIONS_ON_START', 'WISE_CALL_RETENTION_DAYS', 'WEBHOOK_INBOX_RETENTION_DAYS']) {
      expect(problems.some((p) => p.startsWith(name)), name).toBe(true);
    }
  });

  it('refuses a metrics port equal to the public one, a direct URL without a pooled one, and a shared pool too small for the job queue', () => {
    expect(problemsOf({ PORT: '4000', METRICS_PORT: '4000' }).join('\n')).toMatch(/^METRICS_PORT must differ from PORT/m);
    expect(problemsOf({ DATABASE_DIRECT_URL: 'postgres://db/x' }).join('\n')).toMatch(/^DATABASE_DIRECT_URL needs DATABASE_URL/m);
    expect(problemsOf({ DATABASE_POOL_MAX: '8', DATABASE_POOL_MIN: '2', JOBS_CONCURRENCY: '8' }).join('\n')).toMatch(/^DATABASE_POOL_MAX \(8\) must be at least JOBS_CONCURRENCY \+ 4/m);
    // With a direct connection the job queue has a pool of its own there.
    expect(problemsOf({ DATABASE_URL: 'postgres://bouncer/x', DATABASE_DIRECT_URL: 'postgres://db/x', DATABASE_POOL_MAX: '8', DATABASE_POOL_MIN: '2' })).toEqual([]);
  });
});
