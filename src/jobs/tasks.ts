/**
 * What the job runner (worker.ts) runs: each task by name, built from the gateway's services,
 * and the schedule. A task only calls a service; the rules stay there.
 */
import type { TaskList } from 'graphile-worker';
import { addJobOnce } from '../adapters/postgres/job-queue.js';
import { pruneOlderThan, pruneRateLimitCounters } from '../adapters/postgres/retention.js';
import type { PlainDb } from '../db/plain.js';
import type { Logger } from '../logger.js';
import { pruneEvents } from '../services/events.js';
import type { Reconciliation } from '../services/reconciliation.js';
import type { WebhookService } from '../services/webhooks.js';
import type { TransferSweep } from './transfer-sweep.js';

export type TaskDeps = {
  webhooks: WebhookService;
  reconciliation: Reconciliation;
  transferSweep: TransferSweep;
  db: PlainDb;
  logger: Logger;
  retentionDays: { wiseCalls: number; webhookInbox: number; eventLog: number };
};

export function gatewayTasks({ webhooks, reconciliation, transferSweep, db, logger, retentionDays }: TaskDeps): TaskList {
  return {
    apply_webhook: async (payload) => webhooks.apply((payload as { deliveryId: string }).deliveryId),
    apply_pending_webhooks: async () => {
      const applied = await webhooks.applyOrphans();
      if (applied) logger.info({ applied }, 'applied webhooks their receiver left pending');
    },
    reconcile_transfers: async (payload) => {
      await reconciliation.run({ requestId: (payload as { requestId?: string } | null)?.requestId ?? null });
    },
    sweep_transfers: async () => {
      const result = await transferSweep.run();
      if (result.refreshed || result.resumed || result.settled || result.busy) logger.info(result, 'transfer sweep');
    },
    prune_wise_calls: async () => {
      const pruned = await pruneOlderThan(db, 'wise_call', 'at', retentionDays.wiseCalls);
      if (pruned) logger.info({ pruned, retentionDays: retentionDays.wiseCalls }, 'pruned the Wise call audit');
    },
    prune_webhook_inbox: async () => {
      const pruned = await pruneOlderThan(db, 'webhook_inbox', 'received_at', retentionDays.webhookInbox, "status <> 'pending'");
      if (pruned) logger.info({ pruned, retentionDays: retentionDays.webhookInbox }, 'pruned the webhook inbox');
    },
    prune_rate_limit_counters: async () => {
      await pruneRateLimitCounters(db);
    },
    prune_event_log: async () => {
      const pruned = await pruneEvents(db, retentionDays.eventLog);
      if (pruned) logger.info({ pruned, retentionDays: retentionDays.eventLog }, 'pruned the customer event log');
    },
  };
}

/** Once a minute on one replica (graphile-worker's cron is cluster-wide), and pruning. */
export const CRONTAB = [
  '* * * * * sweep_transfers',
  '* * * * * apply_pending_webhooks',
  '*/5 * * * * reconcile_transfers',
  '*/5 * * * * prune_rate_limit_counters',
  '17 3 * * * prune_event_log',
  '27 3 * * * prune_wise_calls',
  '37 3 * * * prune_webhook_inbox',
].join('\n');

/**
 * A replica starting after a crash picks up the deliveries it left pending now, not at the next
 * minute, and finishes the creations and fundings a crash interrupted (ARCHITECTURE.md).
 */
export async function enqueueStartUpJobs(db: PlainDb): Promise<void> {
  await addJobOnce(db, 'apply_pending_webhooks');
  await addJobOnce(db, 'sweep_transfers');
}
