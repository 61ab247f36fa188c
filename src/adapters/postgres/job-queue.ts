/**
 * The graphile-worker queue seen from SQL: enqueueing a job once, and how deep the queue is.
 * (Its runner, the task list and the schedule are in jobs/.)
 */
import type { PlainDb } from '../../db/plain.js';

/** Enqueues `task` unless a job of that key waits already: replicas starting together add it once. */
export async function addJobOnce(db: PlainDb, task: string): Promise<void> {
  await db.query('select graphile_worker.add_job($1::text, job_key := $1::text)', [task]);
}

/** Jobs by state: waiting (to run or retry), running, failed (out of attempts). */
export async function jobQueueDepth(db: PlainDb): Promise<{ waiting: number; running: number; failed: number }> {
  const [row] = await db.query<{ waiting: number; running: number; failed: number }>(
    `select count(*) filter (where locked_at is null and attempts < max_attempts)::int as waiting,
            count(*) filter (where locked_at is not null)::int as running,
            count(*) filter (where locked_at is null and attempts >= max_attempts)::int as failed
       from graphile_worker.jobs`,
    [],
  );
  return row;
}
