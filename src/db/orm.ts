/**
 * MikroORM on PostgreSQL. The schema changes only through migrations/ (applied at start-up);
 * request code never touches the global EntityManager — each request forks its own.
 */
import pg from 'pg';
import { MikroORM, type EntityManager, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { migrationsList } from '../../migrations/index.js';
import { entities } from '../entities/index.js';
import type { Logger } from '../logger.js';
import type { Sql } from './plain.js';
import { countSql } from '../observability.js';

export type Orm = MikroORM;

export function ormOptions(url: string, logger?: Logger, pool: { min: number; max: number } = { min: 2, max: 10 }): Options {
  return {
    clientUrl: url,
    entities,
    extensions: [Migrator],
    migrations: {
      migrationsList,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    allowGlobalContext: false,
    discovery: { warnWhenNoEntities: false },
    // A couple of connections stay open while idle: a connection opened under a burst reaches a
    // fresh Postgres backend with cold caches (bench/README.md). The hot paths use the shared
    // pool (db/plain.ts, DATABASE_POOL_MIN/MAX); this one (DATABASE_ORM_POOL_MAX) serves the
    // ORM's writes and reads. knex keeps its own pool: it cannot draw from a pg.Pool.
    pool,
    debug: false,
    // knex's own warnings ("Connection Error: …") would go to stdout as plain text through
    // console.log: they are log lines like any other.
    driverOptions: logger ? { log: knexLog(logger) } : {},
    loggerFactory: logger
      ? () => {
          const log = logger.child({ component: 'orm' });
          return new (class {
            log(namespace: string, message: string) {
              log.debug({ namespace }, message);
            }
            error(namespace: string, message: string) {
              log.error({ namespace }, message);
            }
            warn(namespace: string, message: string) {
              log.warn({ namespace }, message);
            }
            // Called for every statement, whatever the debug setting: counted per request.
            logQuery() {
              countSql();
            }
            setDebugMode() {}
            isEnabled() {
              return false;
            }
          })();
        }
      : undefined,
  };
}

function knexLog(logger: Logger) {
  const log = logger.child({ component: 'knex' });
  const text = (message: unknown) => (typeof message === 'string' ? message : String((message as Error)?.message ?? message));
  return {
    warn: (message: unknown) => log.warn(text(message)),
    error: (message: unknown) => log.error(text(message)),
    deprecate: (message: unknown) => log.debug(text(message)),
    debug: () => {},
  };
}

/** The `Sql` of an EntityManager's current transaction (or of the pool outside one). */
export function ormSql(em: EntityManager): Sql {
  return (text, params) => em.getConnection().execute(text, params, 'all', em.getTransactionContext());
}

export async function openOrm(url: string, logger?: Logger, pool?: { min: number; max: number }): Promise<Orm> {
  return MikroORM.init(ormOptions(url, logger, pool));
}

/**
 * Applies pending migrations, one replica at a time (`lockUrl` reaches PostgreSQL directly —
 * DATABASE_DIRECT_URL behind PgBouncer — as the lock is a session's): replicas starting together on a fresh
 * database otherwise race to create the same tables, and all but one fail to start. A session
 * advisory lock on a connection of its own, released when the migrations end (or the process).
 */
export async function migrate(orm: Orm, lockUrl: string): Promise<string[]> {
  const lock = new pg.Client({ connectionString: lockUrl });
  // The lock's connection sits idle while the migrations run on another, and may end under them
  // (a failover, an operator): pg then emits 'error', which unheard is an uncaught exception.
  // Heard, it fails the step — the lock was gone, so another replica may have migrated beside
  // this one — and a restart finds out what is left to apply.
  let ended: Error | undefined;
  lock.on('error', (error) => (ended ??= error));
  const lockLost = (cause: Error) =>
    new Error(`the migration lock's connection ended (${cause.message}); migrations may not have run alone: start again`, { cause });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock(hashtext($1))', ['wise-platform-gateway migrations']).catch((error: Error) => {
      throw lockLost(error);
    });
    const applied = await orm.getMigrator().up();
    if (ended) throw lockLost(ended);
    return applied.map((m) => m.name);
  } finally {
    await lock.end().catch(() => undefined);
  }
}

/** Ready means: the database answers and no migration is waiting. */
export async function isReady(orm: Orm): Promise<{ ready: boolean; reason?: string }> {
  try {
    await orm.em.getConnection().execute('select 1');
  } catch (error) {
    return { ready: false, reason: `database unreachable: ${(error as Error).message}` };
  }
  const pending = await orm.getMigrator().getPendingMigrations();
  if (pending.length > 0) return { ready: false, reason: `${pending.length} migration(s) not applied` };
  return { ready: true };
}
