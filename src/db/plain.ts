/**
 * A plain pg pool for the hot paths — transfer pages, subscription payloads, and applying
 * webhooks: named prepared statements (parsed and planned once per connection), rows straight
 * from the driver, no query builder or unit of work. Profiles of the bench put MikroORM and
 * knex above the queries themselves on these paths; every other write stays with the ORM.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { countSql } from '../observability.js';

/**
 * One statement in an open transaction, with `?` placeholders (as MikroORM's `execute`, so the
 * same SQL runs on either), returning its rows.
 */
export type Sql = <T extends Record<string, any> = Record<string, any>>(text: string, params: unknown[]) => Promise<T[]>;

export class PlainDb {
  readonly pool: pg.Pool;
  private readonly names = new Map<string, string>();
  private readonly numbered = new Map<string, string>();
  private readonly ownsPool: boolean;
  private readonly prepared: boolean;

  /**
   * Over its own pool (`url`), or over a pool shared with the rest of the replica (`pool`).
   * `prepared: false` sends no named prepared statements, for PgBouncer in transaction mode
   * (a statement prepared on one server connection is unknown on the next).
   */
  constructor(url: string | pg.Pool, size: { min: number; max: number } = { min: 12, max: 16 }, options: { prepared?: boolean } = {}) {
    this.prepared = options.prepared ?? true;
    if (typeof url !== 'string') {
      this.pool = url;
      this.ownsPool = false;
      return;
    }
    this.ownsPool = true;
    this.pool = sharedPool(url, size);
  }

  /** One statement on any pooled connection, with Postgres's own `$1, $2, …` placeholders. */
  async query<T extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
    countSql();
    return (await this.pool.query<T>({ name: this.prepared ? this.nameOf(text) : undefined, text, values })).rows;
  }

  /**
   * Runs `work` in a transaction on one connection: committed if it resolves, rolled back if not.
   * `opening`, when given, is a first statement sent with the `begin` in one round trip (the
   * simple protocol takes both but no parameters: values go in through `literal`, which quotes
   * them); `work` gets its rows.
   */
  async transaction<T, O extends Record<string, any> = Record<string, any>>(
    work: (sql: Sql, opened: O[]) => Promise<T>,
    opening?: (literal: (value: string) => string) => string,
  ): Promise<T> {
    const client = await this.pool.connect();
    const sql: Sql = async <R extends Record<string, any>>(text: string, values: unknown[]) => {
      countSql();
      const numbered = this.numberedOf(text);
      return (await client.query<R>({ name: this.prepared ? this.nameOf(numbered) : undefined, text: numbered, values })).rows;
    };
    let broken = false;
    try {
      let opened: O[] = [];
      if (opening) {
        countSql();
        const results = (await client.query(`begin; ${opening((value) => client.escapeLiteral(value))}`)) as unknown as pg.QueryResult<O>[];
        opened = results[results.length - 1]?.rows ?? [];
      } else {
        await client.query('begin');
      }
      const result = await work(sql, opened);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      // A connection whose rollback failed is not handed to anyone else.
      client.release(broken);
    }
  }

  close(): Promise<void> {
    return this.ownsPool ? this.pool.end() : Promise.resolve();
  }

  /** Connections now: open, idle, and callers waiting for one (for metrics). */
  stats(): { totalCount: number; idleCount: number; waitingCount: number } {
    return { totalCount: this.pool.totalCount, idleCount: this.pool.idleCount, waitingCount: this.pool.waitingCount };
  }

  private nameOf(text: string): string {
    let name = this.names.get(text);
    if (!name) {
      name = `p_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      this.names.set(text, name);
    }
    return name;
  }

  /** `?` → `$1, $2, …` (no statement here has a literal question mark). */
  private numberedOf(text: string): string {
    let numbered = this.numbered.get(text);
    if (numbered === undefined) {
      let n = 0;
      numbered = text.replace(/\?/g, () => `$${++n}`);
      this.numbered.set(text, numbered);
    }
    return numbered;
  }
}

/**
 * The replica's shared pg pool: the hot paths, event publishing, rate-limit counters and (without
 * DATABASE_DIRECT_URL) the job queue all draw from it. `min` stay open while idle
 * (DATABASE_POOL_MIN): after a quiet spell, a burst (webhooks at 100/s) otherwise waits while the
 * pool opens connections to fresh Postgres backends whose caches are cold — measured as a
 * 150–300 ms stall in the bench (bench/README.md).
 */
export function sharedPool(url: string, size: { min: number; max: number }): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: size.max, min: size.min });
  // An idle connection that breaks (Postgres restarted) is dropped by the pool and the next
  // query opens another; without a listener the 'error' event would end the process.
  pool.on('error', () => {});
  // A checked-out connection that breaks must not end the process either.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}
