/**
 * One money operation per transfer at a time, across every replica: a Postgres advisory lock
 * held in a transaction of its own for as long as the operation runs (Wise calls included).
 *
 * Why this shape:
 * - a transaction-scoped advisory lock is released by Postgres the moment its holder's
 *   connection goes — a process killed mid-funding never leaves a transfer locked — and it
 *   works through PgBouncer in transaction mode;
 * - the holder's connection comes from a small pool of its own, so operations waiting for a
 *   lock can never take the connections the holder needs to commit its steps (the ORM's pool);
 * - the lock is taken before any row lock and never while one is held, so it cannot deadlock
 *   with the short transactions that record each step under the transfer's row lock;
 * - it is re-entrant within one async flow (funding refreshes the transfer under the lock it
 *   already holds);
 * - within one process, callers for the same transfer queue in memory first, so only one of
 *   them holds a pool connection while it waits: ten retries of one slow funding cannot take
 *   the pool from every other transfer's operations.
 */
import pg from 'pg';
import { GatewayError } from '../domain/errors.js';
import { ScopeSlot } from '../lib/async-scope.js';

/** How long the sweep waits for a release in flight before it calls the transfer busy. */
const RELEASE_WAIT_MS = 5_000;

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The transfers whose locks the current work holds, by the TransferLocks that took them. */
const heldLocks = new ScopeSlot<ReadonlyMap<TransferLocks, ReadonlySet<string>>>('transfer locks held');

/** The advisory lock's first key: money operations on transfers (the second is the transfer). */
export const TRANSFER_MONEY_LOCKS = 0x5741_4d31; // "WAM1"

export class TransferLocks {
  private readonly pool: pg.Pool;
  /** The last caller in this process queued for each transfer. */
  private readonly queued = new Map<string, Promise<void>>();
  /** Locks this process is releasing (the rollback in flight), by transfer. */
  private readonly releasing = new Map<string, Promise<void>>();
  private readonly max: number;

  /** Connections now (for the pool metrics). */
  stats(): { totalCount: number; idleCount: number; waitingCount: number } {
    return { totalCount: this.pool.totalCount, idleCount: this.pool.idleCount, waitingCount: this.pool.waitingCount };
  }

  constructor(
    databaseUrl: string,
    private readonly options: { max?: number; waitMs?: number } = {},
  ) {
    this.max = options.max ?? 8;
    // A connection that cannot be had within the wait is a busy transfer, not a hang.
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: this.max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: options.waitMs ?? 120_000 });
    this.pool.on('error', () => {});
    // A holder's connection can die while its operation waits for Wise (a failover, a
    // terminated backend): the operation's next statement fails, Postgres has released the
    // lock, and the process must not fall over on the client's 'error' event meanwhile.
    this.pool.on('connect', (client) => client.on('error', () => {}));
  }

  /** The transfers whose locks (of this instance) the current work holds. */
  private held(): ReadonlySet<string> | undefined {
    return heldLocks.getStore()?.get(this);
  }

  /** Runs `work` knowing it holds these transfers' locks (and whatever other instances' it held). */
  private holding<T>(transferIds: ReadonlySet<string>, work: () => Promise<T>): Promise<T> {
    return heldLocks.run(new Map(heldLocks.getStore()).set(this, transferIds), work);
  }

  /** Runs `work` holding the transfer's money lock; waits for the current holder first. */
  async run<T>(transferId: string, work: () => Promise<T>): Promise<T> {
    const held = this.held();
    if (held?.has(transferId)) return work();
    const before = this.queued.get(transferId) ?? Promise.resolve();
    let done!: () => void;
    const mine = before.then(() => new Promise<void>((resolve) => (done = resolve)));
    this.queued.set(transferId, mine);
    try {
      await before;
      return await this.hold(transferId, held, work);
    } finally {
      done?.();
      if (this.queued.get(transferId) === mine) this.queued.delete(transferId);
    }
  }

  private async hold<T>(transferId: string, held: ReadonlySet<string> | undefined, work: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => {
      if (error instanceof Error && /timeout/i.test(error.message)) throw new GatewayError('TRANSFER_BUSY', undefined, { cause: error });
      throw error;
    });
    try {
      // The lock lives as long as this transaction: a server's idle-in-transaction limit must
      // not end it while the operation waits for Wise. One round trip for the four (the
      // simple protocol takes several statements but no parameter, so the transfer id is
      // quoted by the driver): it is on the way of every money operation.
      try {
        await client.query(
          `begin; set local idle_in_transaction_session_timeout = 0; set local lock_timeout = ${Math.max(1, Math.round(this.options.waitMs ?? 120_000))}; ` +
            `select pg_advisory_xact_lock(${TRANSFER_MONEY_LOCKS}, hashtext(${client.escapeLiteral(transferId)}))`,
        );
      } catch (error) {
        if ((error as { code?: string }).code === '55P03') throw new GatewayError('TRANSFER_BUSY', undefined, { cause: error });
        throw error;
      }
      return await this.holding(new Set([...(held ?? []), transferId]), work);
    } finally {
      // The caller's answer does not wait for the rollback's round trip: whoever comes next for
      // this transfer waits for the lock itself (run), or for this release (tryRun, here).
      this.release(transferId, client);
    }
  }

  private release(transferId: string, client: pg.PoolClient): void {
    const released = client.query('rollback').then(
      () => client.release(),
      () => client.release(true),
    );
    this.releasing.set(transferId, released);
    void released.then(() => {
      if (this.releasing.get(transferId) === released) this.releasing.delete(transferId);
    });
  }

  /** Runs `work` holding the lock if nobody holds it now; undefined (and no work) otherwise. */
  async tryRun<T>(transferId: string, work: () => Promise<T>): Promise<T | undefined> {
    if (this.held()?.has(transferId)) return work();
    // An operation that has just finished here is not busy: its lock is on the way out. A
    // release that does not come back soon (a half-open connection) is busy, not a stalled sweep.
    const releasing = this.releasing.get(transferId);
    if (releasing && !(await settlesWithin(releasing, RELEASE_WAIT_MS))) return undefined;
    // Someone in this process is on it, or every connection is in use: next time.
    if (this.queued.has(transferId) || (this.pool.totalCount >= this.max && this.pool.idleCount === 0)) return undefined;
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('begin');
      const [row] = (await client.query<{ locked: boolean }>('select pg_try_advisory_xact_lock($1::int, hashtext($2)) as locked', [TRANSFER_MONEY_LOCKS, transferId])).rows;
      if (!row?.locked) return undefined;
      return await this.holding(new Set([...(this.held() ?? []), transferId]), work);
    } finally {
      await client.query('rollback').catch(() => {
        broken = true;
      });
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.releasing.values());
    await this.pool.end();
  }
}
