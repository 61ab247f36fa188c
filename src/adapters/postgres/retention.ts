/** Deleting what is kept only for a while (the Wise call audit, handled webhook deliveries). */
import type { PlainDb } from '../../db/plain.js';

/** Deletes rows older than `days` (by `column`), in batches so a first prune of a big table does not hold one long transaction. */
export async function pruneOlderThan(db: PlainDb, table: 'wise_call' | 'webhook_inbox', column: 'at' | 'received_at', days: number, also = 'true'): Promise<number> {
  const key = table === 'wise_call' ? 'id' : 'delivery_id';
  let total = 0;
  for (;;) {
    const [row] = await db.query<{ n: number }>(
      `with gone as (delete from ${table} where ${key} in (select ${key} from ${table} where ${column} < now() - make_interval(days => $1) and ${also} limit 5000) returning 1) select count(*)::int as n from gone`,
      [days],
    );
    total += row.n;
    if (row.n < 5000) return total;
  }
}

/**
 * Deletes rate-limit counters whose minute ended more than an hour ago (http/rate-limits.ts): a
 * counter past its window is started afresh by its next hit, so only addresses and customers
 * gone quiet leave rows behind.
 */
export async function pruneRateLimitCounters(db: PlainDb): Promise<number> {
  const [row] = await db.query<{ n: number }>('with gone as (delete from rate_limit_counter where expire < $1 returning 1) select count(*)::int as n from gone', [
    Date.now() - 3_600_000,
  ]);
  return row.n;
}
