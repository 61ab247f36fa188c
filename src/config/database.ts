/** PostgreSQL: the URL (or an embedded server for development and tests) and the pools. */
import path from 'node:path';
import type { SectionInput } from './variables.js';

export type DatabaseConfig = {
  /** Set when DATABASE_URL is given; otherwise an embedded PostgreSQL is started. */
  url?: string;
  /**
   * A direct connection to PostgreSQL (DATABASE_DIRECT_URL) when DATABASE_URL goes through
   * PgBouncer in transaction mode: LISTEN/NOTIFY, graphile-worker, migrations and session
   * advisory locks use it; everything else goes through DATABASE_URL without named prepared
   * statements.
   */
  directUrl?: string;
  /** dataDirExplicit: EMBEDDED_POSTGRES_DIR was given, so never relocate it. */
  embedded: { dataDir: string; dataDirExplicit: boolean; port: number };
  /** The shared connection pool (db/plain.ts): connections kept open while idle, and at most. */
  pool: { min: number; max: number };
  /** The ORM's own pool (knex), and the transfer money locks' pool: at most. */
  ormPoolMax: number;
  lockPoolMax: number;
};

export function databaseConfig({ v, env, production, problem }: SectionInput): DatabaseConfig {
  const poolMax = v.DATABASE_POOL_MAX ?? 24;
  const jobsShareThePool = (v.JOBS_ENABLED ?? true) && !v.DATABASE_DIRECT_URL;
  if (jobsShareThePool && poolMax < (v.JOBS_CONCURRENCY ?? 8) + 4) {
    problem(`DATABASE_POOL_MAX (${poolMax}) must be at least JOBS_CONCURRENCY + 4 (${(v.JOBS_CONCURRENCY ?? 8) + 4}): the job queue draws from the shared pool (one connection for LISTEN, one per job)`);
  }
  const poolMin = v.DATABASE_POOL_MIN ?? Math.min(12, poolMax);
  if (poolMin > poolMax) problem(`DATABASE_POOL_MIN must be a whole number from 0 to DATABASE_POOL_MAX (${poolMax})`);
  if (v.DATABASE_DIRECT_URL && !v.DATABASE_URL) problem('DATABASE_DIRECT_URL needs DATABASE_URL: it is the direct connection beside a pooled DATABASE_URL (PgBouncer)');
  if (production && !env.DATABASE_URL?.trim()) {
    problem('DATABASE_URL is required when NODE_ENV=production (a postgres:// URL); the embedded PostgreSQL is for development and tests');
  }
  return {
    url: v.DATABASE_URL,
    directUrl: v.DATABASE_DIRECT_URL,
    embedded: {
      dataDir: path.resolve(v.EMBEDDED_POSTGRES_DIR ?? '.data/postgres'),
      dataDirExplicit: v.EMBEDDED_POSTGRES_DIR !== undefined,
      port: v.EMBEDDED_POSTGRES_PORT ?? 54329,
    },
    pool: { min: poolMin, max: poolMax },
    ormPoolMax: v.DATABASE_ORM_POOL_MAX ?? 10,
    lockPoolMax: v.DATABASE_LOCK_POOL_MAX ?? 8,
  };
}
