/**
 * Rate limits shared by every replica: requests per client address and per bank customer, and
 * calls to Wise per customer, each per minute, counted in Postgres (rate-limiter-flexible's
 * Postgres store — a maintained fixed-window limiter with one atomic upsert per hit — rather
 * than hand-written counters; the table comes from a migration). Over a limit, HTTP answers 429
 * with Retry-After and a GraphQL error with extensions.code RATE_LIMITED.
 */
import type { NextFunction, Request, Response } from 'express';
import pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Limits } from '../config.js';
import type { Logger } from '../logger.js';
import { ErrorCode } from '../schema/errors.js';
import { WiseBudgetExceededError } from '../wise/budget.js';
import type { Viewer } from './auth.js';

const TABLE = 'rate_limit_counter';

export class RateLimits {
  private readonly pool: pg.Pool;
  private readonly perAddress?: RateLimiterPostgres;
  private readonly perCustomer?: RateLimiterPostgres;
  private readonly wiseCalls?: RateLimiterPostgres;

  private readonly ownsPool: boolean;

  /** Counters through the replica's shared pool (one upsert per request), or a small pool of its own. */
  constructor(
    databaseUrl: string | pg.Pool,
    private readonly limits: Limits,
    private readonly logger: Logger,
    options: { prepared?: boolean } = {},
  ) {
    this.ownsPool = typeof databaseUrl === 'string';
    this.pool = typeof databaseUrl === 'string' ? new pg.Pool({ connectionString: databaseUrl, max: 4 }) : databaseUrl;
    if (this.ownsPool) this.pool.on('error', () => {});
    const limiter = (keyPrefix: string, points: number) =>
      points > 0
        ? new RateLimiterPostgres({ storeClient: options.prepared === false ? unprepared(this.pool) : this.pool, storeType: 'pool', tableName: TABLE, tableCreated: true, keyPrefix, points, duration: 60 })
        : undefined;
    this.perAddress = limiter('address', limits.requestsPerAddressPerMinute);
    this.perCustomer = limiter('customer', limits.requestsPerCustomerPerMinute);
    this.wiseCalls = limiter('wise', limits.wiseCallsPerCustomerPerMinute);
  }

  /** Before authentication: a flood of requests with bad tokens is refused too. */
  byAddress() {
    return (req: Request, res: Response, next: NextFunction) => this.admit(this.perAddress, `${req.ip}`, 'address', this.limits.requestsPerAddressPerMinute, res, next);
  }

  /** After authentication: one customer's requests, whichever replica or address they reach. */
  byCustomer() {
    return (req: Request, res: Response, next: NextFunction) => {
      const viewer = (req as Request & { viewer?: Viewer }).viewer;
      if (!viewer) return next();
      return this.admit(this.perCustomer, viewer.customerId, 'customer', this.limits.requestsPerCustomerPerMinute, res, next);
    };
  }

  /** Spends one of the customer's Wise calls for this minute (see wise/budget.ts). */
  async spendWiseCall(customerId: string): Promise<void> {
    if (!this.wiseCalls) return;
    try {
      await this.wiseCalls.consume(customerId);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        throw new WiseBudgetExceededError('customer', this.limits.wiseCallsPerCustomerPerMinute, Math.ceil(rejection.msBeforeNext / 1000));
      }
      this.failOpen(rejection);
    }
  }

  close(): Promise<void> {
    return this.ownsPool ? this.pool.end() : Promise.resolve();
  }

  private async admit(limiter: RateLimiterPostgres | undefined, key: string, scope: 'address' | 'customer', limit: number, res: Response, next: NextFunction) {
    if (!limiter) return next();
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        this.failOpen(rejection);
        return next();
      }
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      res
        .status(429)
        .set('Retry-After', String(retryAfterSeconds))
        .json({
          errors: [
            {
              message: `Too many requests from this ${scope} (at most ${limit} a minute); try again in ${retryAfterSeconds} s.`,
              extensions: { code: ErrorCode.RATE_LIMITED, limit: scope === 'address' ? 'requestsPerAddress' : 'requestsPerCustomer', retryAfterSeconds },
            },
          ],
        });
      return;
    }
    next();
  }

  /**
   * The counters are a guard, not the service: when Postgres cannot count, requests go on (and
   * whatever they need from Postgres fails on its own, with its own error).
   */
  private failOpen(error: unknown): void {
    this.logger.warn({ err: error }, 'rate limit not counted: the counter store failed');
  }
}

/**
 * rate-limiter-flexible names its statements; through PgBouncer in transaction mode a statement
 * prepared on one server connection is unknown (or already known) on the next. The same SQL,
 * unnamed.
 */
function unprepared(pool: pg.Pool): pg.Pool {
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver);
      return (config: unknown, ...rest: unknown[]) =>
        (target.query as (...args: unknown[]) => unknown)(config && typeof config === 'object' && 'name' in config ? { ...config, name: undefined } : config, ...rest);
    },
  });
}
