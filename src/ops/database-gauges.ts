/**
 * The gauges read from the database when Prometheus scrapes: connections of the shared and ORM
 * pools, webhook deliveries not yet applied, and the job queue by state.
 */
import type { WebhookInbox } from '../ports/webhook-inbox.js';
import type { Orm } from '../db/orm.js';
import type { PlainDb } from '../db/plain.js';
import type { Metrics } from './metrics.js';

export function registerDatabaseGauges(metrics: Metrics, deps: { plain: PlainDb; orm: Orm; inbox: WebhookInbox<unknown>; jobQueueDepth: (db: PlainDb) => Promise<{ waiting: number; running: number; failed: number }> }): void {
  metrics.pool('shared', () => deps.plain.stats());
  metrics.pool('orm', () => ormPoolStats(deps.orm));
  metrics.gauge('gateway_webhook_inbox_pending', 'Webhook deliveries stored and not yet applied', [], async (set) => set({}, await deps.inbox.pendingCount()));
  metrics.gauge('gateway_job_queue_depth', 'Jobs in the graphile-worker queue by state (waiting, running, failed)', ['state'], async (set) => {
    const depth = await deps.jobQueueDepth(deps.plain);
    for (const state of ['waiting', 'running', 'failed'] as const) set({ state }, depth[state]);
  });
}

/** The ORM's (knex/tarn) pool in pg.Pool's terms, for the pool metrics. */
function ormPoolStats(orm: Orm): { totalCount: number; idleCount: number; waitingCount: number } {
  const pool = (orm.em.getConnection() as unknown as { getKnex(): { client: { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number } } } }).getKnex().client.pool;
  if (!pool) return { totalCount: 0, idleCount: 0, waitingCount: 0 };
  return { totalCount: pool.numUsed() + pool.numFree(), idleCount: pool.numFree(), waitingCount: pool.numPendingAcquires() };
}
