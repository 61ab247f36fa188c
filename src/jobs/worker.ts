/**
 * Background work on a Postgres job queue (graphile-worker): any replica may run a job, each
 * job runs once, and a job enqueued in a transaction exists exactly when the transaction
 * committed — so a crash between receiving a webhook and applying it loses nothing.
 */
import { Logger as WorkerLogger, run, runMigrations, type Runner, type TaskList } from 'graphile-worker';
import pg from 'pg';
import type { Logger } from '../logger.js';

export type JobsHandle = { stop(): Promise<void> };

function workerLogger(logger: Logger): WorkerLogger {
  const log = logger.child({ component: 'jobs' });
  return new WorkerLogger(() => (level, message, meta) => {
    // "Failed to read crontab file" is expected: this gateway has no crontab.
    if (message.includes('crontab')) return;
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    log[method]({ meta }, message);
  });
}

/**
 * `databaseUrl` must reach PostgreSQL directly (graphile-worker LISTENs and prepares statements):
 * DATABASE_DIRECT_URL behind PgBouncer. `pgPool`, when given, is the replica's shared pool on
 * that same server (no pool of its own); it must hold concurrency + 1 connections besides its
 * other users (one stays checked out for LISTEN).
 */
export async function startJobs(options: { databaseUrl: string; pgPool?: pg.Pool; logger: Logger; tasks: TaskList; enabled: boolean; concurrency?: number; crontab?: string }): Promise<JobsHandle> {
  const logger = workerLogger(options.logger);
  if (!options.enabled) {
    // Jobs can still be enqueued (the schema must exist); another process will run them.
    await runMigrations({ connectionString: options.databaseUrl, logger });
    return { stop: async () => {} };
  }
  const concurrency = options.concurrency ?? 4;
  // Our own pool so its connections stay open while idle (graphile-worker's default closes them
  // after 10 s, and the first jobs after a quiet spell would wait for reconnects).
  const ownPool = !options.pgPool;
  const pgPool = options.pgPool ?? new pg.Pool({ connectionString: options.databaseUrl, max: concurrency + 2, min: Math.min(2, concurrency) });
  if (ownPool) {
    pgPool.on('error', (error) => logger.error('idle job connection failed', { error }));
    // A checked-out connection that breaks must not end the process either.
    pgPool.on('connect', (client) => client.on('error', (error) => logger.error('job connection failed', { error })));
  }
  const runner: Runner = await run({
    pgPool,
    concurrency,
    noHandleSignals: true,
    pollInterval: 1000,
    taskList: options.tasks,
    crontab: options.crontab,
    logger,
  });
  return {
    stop: async () => {
      await runner.stop();
      if (ownPool) await pgPool.end();
    },
  };
}
