/**
 * Runs a reconciliation now and prints its report:  npm run reconcile
 *
 * It asks the running gateway (any replica that runs jobs) for a run through the job queue, so
 * it compares against the same Wise — the sandbox, production, or the embedded simulator of
 * `npm start` — with the gateway's own tokens, and waits for the report. Exit code 0 when
 * nothing is left for a person, 2 when something is, 1 when no gateway answered.
 * Reaches the database through DATABASE_URL, or the embedded PostgreSQL of `npm start`.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { embeddedDatabaseUrl } from '../src/db/embedded.js';

const config = loadConfig();
const url = config.database.url ?? embeddedDatabaseUrl(config.database.embedded.port);
const waitMs = Number(process.env.RECONCILE_WAIT_MS ?? 300_000);
const client = new pg.Client({ connectionString: url });
await client.connect();
const requestId = `cli:${randomUUID()}`;
try {
  await client.query(`select graphile_worker.add_job('reconcile_transfers', json_build_object('requestId', $1::text), job_key := $1::text)`, [requestId]);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { rows } = await client.query('select checked, repaired, unresolved, discrepancies, started_at, finished_at from reconciliation_run where request_id = $1 and finished_at is not null', [requestId]);
    if (rows[0]) {
      const run = rows[0];
      process.stdout.write(`${JSON.stringify({ requestId, startedAt: run.started_at, finishedAt: run.finished_at, checked: run.checked, repaired: run.repaired, unresolved: run.unresolved, discrepancies: run.discrepancies }, null, 2)}\n`);
      process.exitCode = run.unresolved > 0 ? 2 : 0;
      break;
    }
    if (Date.now() > deadline) {
      process.stderr.write(`no gateway ran the reconciliation within ${waitMs / 1000} s: is a gateway with JOBS_ENABLED running against ${url.replace(/\/\/[^@]*@/, '//')}?\n`);
      process.exitCode = 1;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
} finally {
  await client.end();
}
