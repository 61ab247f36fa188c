/**
 * Background work on a Postgres job queue (graphile-worker): any replica may run a job, each
 * job runs once, and a job enqueued in a transaction exists exactly when the transaction
 * committed — so a crash between receiving a webhook and applying it loses nothing.
 */
import { Logger as WorkerLogger, run, runMigrations, type Runner, type TaskList } from 'graphile-worker';
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

export async function startJobs(options: { databaseUrl: string; logger: Logger; tasks: TaskList; enabled: boolean; concurrency?: number; crontab?: string }): Promise<JobsHandle> {
  const logger = workerLogger(options.logger);
  if (!options.enabled) {
    // Jobs can still be enqueued (the schema must exist); another process will run them.
    await runMigrations({ connectionString: options.databaseUrl, logger });
    return { stop: async () => {} };
  }
  const runner: Runner = await run({
    connectionString: options.databaseUrl,
    concurrency: options.concurrency ?? 4,
    noHandleSignals: true,
    pollInterval: 1000,
    taskList: options.tasks,
    crontab: options.crontab,
    logger,
  });
  return { stop: () => runner.stop() };
}
