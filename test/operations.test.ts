/**
 * The gateway under an orchestrator: readiness turns 503 on SIGTERM for SHUTDOWN_DRAIN_SECONDS
 * while requests are still served, then the process stops; `npm run migrate` is a step of its
 * own and MIGRATIONS_ON_START=false leaves migrations to it; old audit and inbox rows are pruned
 * by a job; spans that cannot reach the collector are told on stdout; and everything the process
 * writes to stdout is a JSON log line.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openOrm } from '../src/db/orm.js';
import { createTestDatabase, sql } from './support/database.js';
import { runGatewayCommand, startGatewayProcess } from './support/gateway-process.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { freePort } from './support/ports.js';

function npmRunMigrate(databaseUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runGatewayCommand('npm', ['run', '-s', 'migrate'], databaseUrl, { LOG_LEVEL: 'info' });
}

const jsonLines = (text: string) => text.split('\n').filter(Boolean);

describe('SIGTERM', () => {
  it('turns readiness 503 for SHUTDOWN_DRAIN_SECONDS while still serving, then stops; stdout is JSON throughout', { timeout: 300_000 }, async () => {
    const databaseUrl = await createTestDatabase();
    const replica = await startGatewayProcess(databaseUrl, { SHUTDOWN_DRAIN_SECONDS: '4', LOG_LEVEL: 'info', JOBS_ENABLED: 'true' });
    let stdout = '';
    replica.child.stdout!.on('data', (c) => (stdout += c));
    expect((await fetch(`${replica.url}/readyz`)).status).toBe(200);

    const exited = new Promise<number | null>((resolve) => replica.child.once('exit', (code) => resolve(code)));
    replica.child.kill('SIGTERM');
    await expect.poll(async () => (await fetch(`${replica.url}/readyz`)).status, { timeout: 30_000, interval: 100 }).toBe(503);
    const body = await (await fetch(`${replica.url}/readyz`)).json();
    expect(body).toMatchObject({ status: 'not ready', reason: 'shutting down' });
    // Still serving while draining: liveness answers, and so does GraphQL.
    expect((await fetch(`${replica.url}/healthz`)).status).toBe(200);
    expect(await exited).toBe(0);

    for (const line of jsonLines(stdout)) expect(() => JSON.parse(line), line).not.toThrow();
    const messages = jsonLines(stdout).map((l) => JSON.parse(l).msg);
    expect(messages).toEqual(expect.arrayContaining(['not ready any more; draining before the listener closes', 'stopped']));
  });
});

describe('traces that cannot be delivered', () => {
  it("are told on stdout with the reason (never the endpoint's password) while the collector is down, and so is its return", { timeout: 300_000 }, async () => {
    const collectorPort = await freePort();
    const replica = await startGatewayProcess(await createTestDatabase(), {
      // A collector behind basic auth, its password in the URL: it must not reach the log.
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://gateway:collector-password@127.0.0.1:${collectorPort}`,
      // Batches sent soon and given up soon, so the test need not wait OpenTelemetry's defaults.
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
      LOG_LEVEL: 'info',
    });
    let stdout = '';
    replica.child.stdout!.on('data', (c) => (stdout += c));
    // Whole lines only: a poll may come while a line is half written.
    const lines = () =>
      jsonLines(stdout.slice(0, stdout.lastIndexOf('\n') + 1)).map((l) => JSON.parse(l) as { level: number; msg: string; reason?: string; lostSpans?: number });
    const request = () =>
      fetch(`${replica.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    const collector = http.createServer((req, res) => {
      req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    try {
      await request();
      await expect
        .poll(() => lines().find((l) => l.msg.startsWith('could not send')), { timeout: 120_000, interval: 200 })
        .toMatchObject({ level: 40, reason: expect.stringContaining('ECONNREFUSED') });
      expect(lines().find((l) => l.msg.startsWith('could not send'))).toMatchObject({
        lostSpans: expect.any(Number),
        endpoint: `http://gateway:***@127.0.0.1:${collectorPort}`,
      });
      expect(lines().find((l) => l.msg.startsWith('could not send'))!.lostSpans).toBeGreaterThan(0);

      await new Promise<void>((resolve) => collector.listen(collectorPort, '127.0.0.1', resolve));
      await expect
        .poll(
          async () => {
            await request();
            return lines().some((l) => l.msg === 'spans reach the OTLP endpoint again');
          },
          { timeout: 120_000, interval: 500 },
        )
        .toBe(true);
      expect(stdout).not.toContain('collector-password');
    } catch (error) {
      // What the gateway said is what tells why.
      throw new Error(`${(error as Error).message}\n--- the gateway's stdout ---\n${stdout}`, { cause: error });
    } finally {
      await replica.stop();
      collector.close();
    }
  });
});

describe('migrations as their own step', () => {
  it('npm run migrate applies every migration and exits; a gateway with MIGRATIONS_ON_START=false is not ready until then', { timeout: 300_000 }, async () => {
    const databaseUrl = await createTestDatabase();
    const replica = await startGatewayProcess(databaseUrl, { MIGRATIONS_ON_START: 'false' }, { waitForReady: false });
    await expect
      .poll(
        async () =>
          (
            await fetch(`${replica.url}/readyz`).then(
              (r) => r.json(),
              () => null,
            )
          )?.reason,
        { timeout: 120_000, interval: 250 },
      )
      .toMatch(/migration\(s\) not applied/);
    expect((await sql(databaseUrl, "select 1 from information_schema.tables where table_name = 'transfer'")).length).toBe(0);

    const first = await npmRunMigrate(databaseUrl);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(
      jsonLines(first.stdout)
        .map((l) => JSON.parse(l).msg)
        .join('\n'),
    ).toMatch(/migration\(s\) applied/);
    await expect.poll(async () => (await fetch(`${replica.url}/readyz`)).status, { timeout: 60_000 }).toBe(200);

    const again = await npmRunMigrate(databaseUrl);
    expect(again.code).toBe(0);
    expect(jsonLines(again.stdout).map((l) => JSON.parse(l).msg)).toContain('the schema is up to date; nothing to apply');
    await replica.stop();
  });
});

describe("the migration lock's connection", () => {
  it(
    'ending while migrations run (a failover, an operator) fails the step with a message naming it, and nothing is left uncaught',
    { timeout: 120_000 },
    async () => {
      const databaseUrl = await createTestDatabase();
      const orm = await openOrm(databaseUrl);
      await migrate(orm, databaseUrl);
      // The migrations held up on their own connection while the lock's connection sits idle.
      const blocker = new pg.Client({ connectionString: databaseUrl });
      await blocker.connect();
      await blocker.query('begin');
      await blocker.query('lock table mikro_orm_migrations in access exclusive mode');
      const uncaught: unknown[] = [];
      const hear = (error: unknown) => uncaught.push(error);
      process.on('uncaughtException', hear);
      try {
        const migrating = migrate(orm, databaseUrl);
        migrating.catch(() => undefined);
        const lockHolders = () =>
          sql<{ pid: number }>(
            databaseUrl,
            "select pid from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())",
          );
        const heldUp = () => sql(databaseUrl, "select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
        await expect.poll(async () => (await lockHolders()).length === 1 && (await heldUp()).length === 1, { timeout: 60_000, interval: 100 }).toBe(true);
        await sql(databaseUrl, 'select pg_terminate_backend($1)', [(await lockHolders())[0].pid]);
        await expect.poll(async () => (await lockHolders()).length, { timeout: 60_000, interval: 100 }).toBe(0);
        await blocker.query('commit');

        expect(uncaught).toEqual([]);
        await expect(migrating).rejects.toThrow(/migration lock's connection ended/);
      } finally {
        process.off('uncaughtException', hear);
        await blocker.end();
        await orm.close(true);
      }
    },
  );
});

describe('retention', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ WISE_CALL_RETENTION_DAYS: '7', WEBHOOK_INBOX_RETENTION_DAYS: '20' });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it(
    'deletes wise_call rows and applied webhook_inbox rows older than their days, never a pending delivery, and rate-limit counters an hour past their minute',
    { timeout: 120_000 },
    async () => {
      const url = gateway.databaseUrl;
      await sql(
        url,
        "insert into wise_call (at, correlation_id, method, path, status, duration_ms, attempt) values (now() - interval '8 days', $1, 'GET', '/old', 200, 1, 1), (now() - interval '6 days', $2, 'GET', '/recent', 200, 1, 1)",
        [randomUUID(), randomUUID()],
      );
      const inbox = (id: string, days: number, status: string) =>
        sql(
          url,
          `insert into webhook_inbox (delivery_id, event_type, body, status, received_at, event_key) values ($1, 'test', '{}'::jsonb, $2, now() - make_interval(days => $3), $1)`,
          [id, status, days],
        );
      await inbox('old-applied', 21, 'applied');
      await inbox('old-pending', 21, 'pending');
      await inbox('recent-applied', 19, 'applied');
      // Rate-limit counters: one whose minute ended two hours ago, one still counting.
      await sql(url, 'insert into rate_limit_counter (key, points, expire) values ($1, 5, $2), ($3, 5, $4)', [
        'customer:gone-quiet',
        Date.now() - 7_200_000,
        'customer:counting',
        Date.now() + 60_000,
      ]);
      for (const job of ['prune_wise_calls', 'prune_webhook_inbox', 'prune_rate_limit_counters']) await sql(url, `select graphile_worker.add_job('${job}')`);
      await expect
        .poll(async () => (await sql(url, "select 1 from graphile_worker.jobs where task_identifier like 'prune_%'")).length, { timeout: 60_000 })
        .toBe(0);
      expect((await sql<{ path: string }>(url, "select path from wise_call where path in ('/old', '/recent')")).map((r) => r.path)).toEqual(['/recent']);
      expect(
        (
          await sql<{ delivery_id: string }>(
            url,
            "select delivery_id from webhook_inbox where delivery_id in ('old-applied', 'old-pending', 'recent-applied') order by 1",
          )
        ).map((r) => r.delivery_id),
      ).toEqual(['old-pending', 'recent-applied']);
      expect(
        (await sql<{ key: string }>(url, "select key from rate_limit_counter where key in ('customer:gone-quiet', 'customer:counting')")).map((r) => r.key),
      ).toEqual(['customer:counting']);
    },
  );
});
