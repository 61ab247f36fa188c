/**
 * Rate limits shared by every replica: requests per client address and per bank customer, and
 * calls to Wise per customer, each per minute, counted in Postgres. Over a limit, HTTP answers
 * 429 with Retry-After and a GraphQL error with extensions.code RATE_LIMITED.
 *
 * The counters are fixed windows of a minute in `rate_limit_counter` (key, points, expire), the
 * layout and keys (`address:…`, `customer:…`, `wise:…`) of rate-limiter-flexible's Postgres
 * store, which counted them until 3 December 2026: so replicas of both kinds count together
 * through a rolling deploy. That library counts one key per statement, and a request is counted
 * against two limits. Its second round trip cost a cached page more than a fifth of its
 * throughput (bench/README.md, 3 December). Here a request's keys are counted in one upsert.
 * That same statement also reads the customer's read version, which the answer cache checks a
 * kept answer against (http/response-cache.ts). So a cached page costs this one statement and
 * nothing else.
 */
import type pg from 'pg';
import type { Limits } from '../config.js';
import type { Logger } from '../logger.js';
import { countSql } from '../observability.js';
import { wiseBudgetExceeded } from '../wise/budget.js';

const WINDOW_MS = 60_000;

/**
 * One statement for every key of a request: each key's window starts at its first hit and ends
 * a minute later, and a hit after the end starts a new one (rate-limiter-flexible's upsert, for
 * many keys). Keys are locked in the order given, which is always address then customer, so
 * two requests never wait on each other in a cycle. A refused hit still counts against its key,
 * as it did; and a request refused for its address now counts against its customer too, since
 * both are counted at once (before, the address's refusal came first).
 */
const COUNT = `
  with counted as (
    insert into rate_limit_counter as c (key, points, expire)
    select key, 1, $2::bigint from unnest($1::varchar[]) with ordinality as k(key, n) order by n
    on conflict (key) do update set
      points = case when c.expire is null or c.expire <= $3::bigint then 1 else c.points + 1 end,
      expire = case when c.expire is null or c.expire <= $3::bigint then excluded.expire else c.expire end
    returning c.key, c.points, c.expire
  )
  select key, points, expire::float8 as expire,
    case when $4::text is null then null
      else coalesce((select version::text from customer_read_version where customer_id = $4::text), '0') end as read_version
  from counted`;

type Refusal = { scope: 'address' | 'customer'; limit: number; retryAfterSeconds: number };

/** What counting a request found: a limit it went over, and the customer's read version. */
export type Admission = {
  refused?: Refusal;
  /** The customer's read version, read in the same statement (only when asked for). */
  readVersion?: string;
  /** SQL statements the admission ran (0 or 1), for the request's cost report. */
  statements: number;
};

export class RateLimits {
  private readonly statementName: string | undefined;
  private readonly readVersions: boolean;

  constructor(
    private readonly pool: pg.Pool,
    private readonly limits: Limits,
    private readonly logger: Logger,
    options: {
      /** Through PgBouncer in transaction mode a named statement prepared on one server connection is unknown on the next. */
      prepared?: boolean;
      /** Read the customer's read version with the counters (the answer cache is on). */
      readVersions?: boolean;
    } = {},
  ) {
    this.statementName = options.prepared === false ? undefined : 'rate-limit-count';
    this.readVersions = options.readVersions ?? false;
  }

  /**
   * Counts one request against its address and, once its token named a customer, against that
   * customer too: one statement. Called for bad tokens as well, so a flood of them is refused.
   */
  async admit(address: string, customerId: string | undefined): Promise<Admission> {
    const limits: { key: string; refusal: Omit<Refusal, 'retryAfterSeconds'> }[] = [];
    const { requestsPerAddressPerMinute: perAddress, requestsPerCustomerPerMinute: perCustomer } = this.limits;
    if (perAddress > 0) limits.push({ key: `address:${address}`, refusal: { scope: 'address', limit: perAddress } });
    if (customerId !== undefined && perCustomer > 0) limits.push({ key: `customer:${customerId}`, refusal: { scope: 'customer', limit: perCustomer } });
    // No counter on: nothing to run, and the answer cache reads the version itself.
    if (!limits.length) return { statements: 0 };
    const rows = await this.count(
      limits.map((l) => l.key),
      this.readVersions ? customerId : undefined,
    );
    if (!rows) return { statements: 1 };
    const readVersion = rows[0]?.read_version ?? undefined;
    for (const { key, refusal } of limits) {
      const row = rows.find((r) => r.key === key);
      if (row && row.points > refusal.limit) return { refused: { ...refusal, retryAfterSeconds: retryAfter(row.expire) }, readVersion, statements: 1 };
    }
    return { readVersion, statements: 1 };
  }

  /** Spends one of the customer's Wise calls for this minute (see wise/budget.ts). */
  async spendWiseCall(customerId: string): Promise<void> {
    const limit = this.limits.wiseCallsPerCustomerPerMinute;
    if (limit <= 0) return;
    countSql();
    const [row] = (await this.count([`wise:${customerId}`], undefined)) ?? [];
    if (row && row.points > limit) throw wiseBudgetExceeded('customer', limit, retryAfter(row.expire));
  }

  /** The keys' counts after this hit; undefined when Postgres could not count. */
  private async count(keys: string[], versionOf: string | undefined) {
    const now = Date.now();
    try {
      const result = await this.pool.query<{ key: string; points: number; expire: number; read_version: string | null }>({
        name: this.statementName,
        text: COUNT,
        values: [keys, now + WINDOW_MS, now, versionOf ?? null],
      });
      return result.rows;
    } catch (error) {
      // The counters are a guard, not the service: when Postgres cannot count, requests go on
      // (and whatever they need from Postgres fails on its own, with its own error).
      this.logger.warn({ err: error }, 'rate limit not counted: the counter store failed');
      return undefined;
    }
  }
}

function retryAfter(expire: number): number {
  return Math.max(1, Math.ceil((expire - Date.now()) / 1000));
}
