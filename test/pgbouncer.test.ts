/**
 * Scale-out as a bank runs it: PostgreSQL behind PgBouncer in transaction mode (Debian's
 * `pgbouncer`), two gateway replicas as real processes with DATABASE_URL through PgBouncer and
 * DATABASE_DIRECT_URL for LISTEN, the job queue, migrations and session locks. A journey passes,
 * and a live subscription on one replica receives a change applied through the other.
 * Skipped when /usr/sbin/pgbouncer is missing (`.ci/run` installs it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mintCustomerToken } from '../src/http/auth.js';
import { defaultSimulatorOptions, startSimulator, type Simulator } from '../src/simulator/server.js';
import { createTestDatabase, sql } from './support/database.js';
import { startTestGateway, TEST_JWT_SECRET } from './support/gateway.js';
import { CREATE_TRANSFER, FUND_TRANSFER } from './support/journey.js';
import { freePort } from './support/ports.js';
import { quoteAndRecipient, readyOn } from './support/replica-journey.js';
import { kill, startReplica, type Replica } from './support/replicas.js';
import { subscribe } from './support/subscriptions.js';

const PGBOUNCER = '/usr/sbin/pgbouncer';
const available = existsSync(PGBOUNCER);

describe('the connection budget of one replica', () => {
  it('opens far fewer connections than the four pools and a LISTEN client it used to (29 idle)', { timeout: 120_000 }, async () => {
    const gateway = await startTestGateway();
    try {
      const database = new URL(gateway.databaseUrl).pathname.slice(1);
      // Whatever start-up opened (migrations, seeding, the first jobs) has settled into the pools.
      const open = async () => Number((await sql<{ n: string }>(gateway.databaseUrl, 'select count(*) as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]))[0].n);
      const count = await open();
      expect(count).toBeGreaterThan(0);
      // shared (12 kept while idle, jobs' LISTEN among them) + ORM (2) + event LISTEN (1), with room for start-up's in-flight work.
      expect(count).toBeLessThanOrEqual(20);
      const pools = gateway.metrics.registry.getSingleMetric('gateway_db_pool_connections');
      expect(pools).toBeDefined();
    } finally {
      await gateway.stop();
    }
  });
});

describe.skipIf(!available)('through PgBouncer in transaction mode', () => {
  let bouncer: ChildProcess;
  let bouncerOutput = '';
  let dir: string;
  let sim: Simulator;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    const admin = new URL(inject('adminDatabaseUrl'));
    const directUrl = await createTestDatabase('bouncer');
    const database = new URL(directUrl).pathname.slice(1);
    const port = await freePort();
    dir = mkdtempSync(path.join(os.tmpdir(), 'wpg-pgbouncer-'));
    const user = decodeURIComponent(admin.username);
    const password = decodeURIComponent(admin.password);
    writeFileSync(path.join(dir, 'users.txt'), `"${user}" "${password}"\n`);
    writeFileSync(
      path.join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `${database} = host=${admin.hostname} port=${admin.port} dbname=${database} user=${user} password=${password}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${path.join(dir, 'users.txt')}`,
        'pool_mode = transaction',
        'max_client_conn = 500',
        'default_pool_size = 20',
        'ignore_startup_parameters = extra_float_digits,options',
        'admin_users = ' + user,
        '',
      ].join('\n'),
    );
    // PgBouncer refuses to run as root: as the postgres system user when the tests run as root.
    const asPostgres = process.getuid?.() === 0 ? { uid: Number(await idOf('-u')), gid: Number(await idOf('-g')) } : {};
    if ('uid' in asPostgres) for (const file of ['', 'users.txt', 'pgbouncer.ini']) chownSync(path.join(dir, file), asPostgres.uid!, asPostgres.gid!);
    bouncer = spawn(PGBOUNCER, [path.join(dir, 'pgbouncer.ini')], { ...asPostgres, stdio: ['ignore', 'pipe', 'pipe'] });
    bouncer.stdout!.on('data', (c) => (bouncerOutput += c));
    bouncer.stderr!.on('data', (c) => (bouncerOutput += c));
    const pooledUrl = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
    // However slow the machine: until PgBouncer answers, or exits.
    for (;;) {
      if (bouncer.exitCode !== null) throw new Error(`pgbouncer exited: ${bouncerOutput}`);
      if (await sql(pooledUrl, 'select 1 as ok').then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 200));
    }

    sim = await startSimulator(defaultSimulatorOptions({ clientId: 'bouncer-client', clientSecret: 'bouncer-secret', webhookRetryBaseMs: 200 }));
    const env = { DATABASE_DIRECT_URL: directUrl, JOBS_ENABLED: 'true' };
    a = await startReplica({ sim, databaseUrl: pooledUrl, clientId: 'bouncer-client', clientSecret: 'bouncer-secret', env });
    b = await startReplica({ sim, databaseUrl: pooledUrl, clientId: 'bouncer-client', clientSecret: 'bouncer-secret', env });
    // Two gateway processes start here: on a loaded 2-core machine that alone has taken minutes.
  }, 900_000);
  afterAll(async () => {
    for (const replica of [a, b]) if (replica) await kill(replica.child);
    await sim?.stop();
    bouncer?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('two replicas pass a journey, and a subscriber on one hears the change made through the other', { timeout: 300_000 }, async () => {
    await readyOn(a, sim);
    const token = await mintCustomerToken(TEST_JWT_SECRET, 'cust-alice', { expiresIn: '1h' });
    const live = await subscribe(b.url, token, 'subscription { transferStatusChanged { sequence transferId status } }');

    const { quoteId, recipientId } = await quoteAndRecipient(a);
    const created = (await a.gql(CREATE_TRANSFER, { quoteId, recipientId, key: randomUUID() })).data.createTransfer;
    expect(created.__typename).toBe('TransferCreated');
    const funded = (await a.gql(FUND_TRANSFER, { id: created.transfer.id })).data.fundTransfer;
    expect(funded.__typename).toBe('TransferFunded');
    // Through replica A (and PgBouncer), heard on replica B over its direct LISTEN connection.
    const pushed = await live.next(120_000);
    expect(pushed.transferStatusChanged.transferId).toBe(created.transfer.id);
    // Read back through the other replica: the same transfer, funded.
    const read = await b.gql(`query T($id: ID!) { transfer(id: $id) { id funding } }`, { id: created.transfer.id });
    expect(read.data.transfer).toMatchObject({ id: created.transfer.id, funding: 'FUNDED' });
    await live.close();

    // Named prepared statements never reached PgBouncer (they would fail on another server connection).
    for (const replica of [a, b]) expect(replica.output()).not.toMatch(/prepared statement/i);
  });
});

function idOf(flag: '-u' | '-g'): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('id', [flag, 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('exit', () => resolve(out.trim()));
  });
}
