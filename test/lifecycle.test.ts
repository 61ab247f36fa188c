/**
 * The gateway as `npm start` runs it: a real child process with an embedded PostgreSQL that
 * keeps its data across restarts and leaves nothing running after SIGINT/SIGTERM.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearAbandoned, startEmbeddedPostgres } from '../src/db/embedded.js';
import { mintCustomerToken } from '../src/http/auth.js';
import { createLogger } from '../src/logger.js';
import { sql } from './support/database.js';
import { freePort } from './support/ports.js';

const SECRET = 'lifecycle-test-secret-0123456789abcdefghijklmnop';
let dataDir: string;
let pgPort: number;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'wpg-lifecycle-'));
  pgPort = await freePort();
});
afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
  await fs.rm(`${dataDir}.simulator.json`, { force: true });
});

async function startProcess() {
  const started = await spawnProcess();
  const { child, url, output } = started;
  // Until it is ready or has exited, however long a slow initdb on a loaded machine takes (a
  // 30 s deadline failed with another test file running beside this one).
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited early:\n${output()}`);
    const ready = await fetch(`${url}/readyz`).then((r) => r.ok).catch(() => false);
    if (ready) return started;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function spawnProcess(dir = dataDir, port = pgPort, options: { ipc?: boolean } = {}) {
  const httpPort = await freePort();
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: '',
      PORT: String(httpPort),
      EMBEDDED_POSTGRES_DIR: dir,
      EMBEDDED_POSTGRES_PORT: String(port),
      SIMULATOR_PORT: '0',
      SIMULATOR_STATE_FILE: `${dir}.simulator.json`,
      AUTH_JWT_SECRET: SECRET,
      LOG_LEVEL: 'info',
    },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return { child, url: `http://127.0.0.1:${httpPort}`, output: () => output };
}

/** A gateway's own data directory (and its simulator state file), removed afterwards. */
async function inScratchDirectory(prefix: string, work: (dir: string) => Promise<void>): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  try {
    await work(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rm(`${dir}.simulator.json`, { force: true });
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

function postgresProcessesFor(dir: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', '--', `postgres -D ${dir}`], { encoding: 'utf8' }).trim().split('\n');
  } catch (error) {
    if ((error as { status?: number }).status === 1) return []; // pgrep: nothing matched
    throw error;
  }
}

async function viewerId(url: string, customerId: string) {
  const token = await mintCustomerToken(SECRET, customerId);
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ viewer { bankCustomerId } }' }),
  });
  return (await response.json()).data?.viewer?.bankCustomerId;
}

describe('the gateway process', () => {
  it('logs where everything is, keeps its data across a restart, and stops cleanly on SIGTERM and SIGINT', async () => {
    const first = await startProcess();
    // /readyz answers as soon as the server listens; the start-up summary follows it.
    await expect.poll(() => first.output()).toContain(`${first.url}/graphiql`);
    expect(first.output()).toContain('Wise environment: simulator');
    expect(await viewerId(first.url, 'cust-alice')).toBe('cust-alice');
    expect(postgresProcessesFor(dataDir)).toHaveLength(1);

    // A customer the bank adds while the gateway runs must still be there after a restart.
    await sql(
      `postgres://postgres:postgres@127.0.0.1:${pgPort}/wise_gateway`,
      `insert into bank_customer (id, email, given_name, family_name, date_of_birth, address, phone)
       values ('cust-persisted', 'p@bank.example', 'Per', 'Sisted', '1970-01-01',
               '{"firstLine":"x","city":"y","postCode":null,"stateCode":null,"country":"GB"}', '+447700900009')`,
    );
    first.child.kill('SIGTERM');
    expect(await exited(first.child)).toBe(0);
    expect(postgresProcessesFor(dataDir)).toEqual([]);

    const second = await startProcess();
    expect(second.output()).not.toContain('initialising a new embedded PostgreSQL cluster');
    expect(await viewerId(second.url, 'cust-persisted')).toBe('cust-persisted');
    second.child.kill('SIGINT');
    expect(await exited(second.child)).toBe(0);
    expect(postgresProcessesFor(dataDir)).toEqual([]);
  }, 300_000);

  it('a run killed before its clean-up: the next one stops the PostgreSQL it left and removes its data', async () => {
    // A process that has ended stands for the killed run; a live one (this) for a run going on.
    const gone = spawn(process.execPath, ['-e', '']);
    await exited(gone);
    const abandoned = path.join(os.tmpdir(), `wpg-abandon-test-${gone.pid}-x`);
    const current = await fs.mkdtemp(path.join(os.tmpdir(), `wpg-abandon-test-${process.pid}-`));
    await fs.mkdir(abandoned);
    try {
      // Started and never stopped, as a run killed with SIGKILL leaves it.
      await startEmbeddedPostgres({ dataDir: abandoned, port: await freePort(), database: 'left', logger: createLogger('silent') });
      expect(postgresProcessesFor(abandoned)).not.toEqual([]);

      expect(await clearAbandoned('wpg-abandon-test-')).toEqual([abandoned]);
      expect(postgresProcessesFor(abandoned)).toEqual([]);
      await expect(fs.stat(abandoned)).rejects.toThrow();
      expect((await fs.stat(current)).isDirectory()).toBe(true);
    } finally {
      await fs.rm(current, { recursive: true, force: true });
    }
  }, 300_000);

  it('started with an IPC channel, stops cleanly when its parent goes away, leaving no PostgreSQL running', async () => {
    await inScratchDirectory('wpg-lifecycle-orphan-', async (dir) => {
      const started = await spawnProcess(dir, await freePort(), { ipc: true });
      await expect.poll(() => fetch(`${started.url}/readyz`).then((r) => r.ok).catch(() => false), { timeout: 240_000, interval: 250 }).toBe(true);
      // What the child sees when its parent dies, even by SIGKILL: the channel closes.
      started.child.disconnect();
      expect(await exited(started.child)).toBe(0);
      expect(started.output()).toContain('parent process gone');
      expect(postgresProcessesFor(dir)).toEqual([]);
    });
  }, 300_000);

  it('stops cleanly on a signal that arrives while it is still starting, leaving no PostgreSQL running', async () => {
    await inScratchDirectory('wpg-lifecycle-early-', async (dir) => {
      const early = await spawnProcess(dir, await freePort());
      // The embedded PostgreSQL is being set up: the gateway is far from ready.
      await expect.poll(() => early.output(), { timeout: 240_000, interval: 50 }).toContain('initialising a new embedded PostgreSQL cluster');
      early.child.kill('SIGTERM');
      expect(await exited(early.child)).toBe(0);
      expect(early.output()).toContain('shutting down once start-up finishes');
      expect(postgresProcessesFor(dir)).toEqual([]);
    });
  }, 300_000);
});
