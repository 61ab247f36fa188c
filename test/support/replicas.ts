/**
 * Gateway replicas as real processes (`src/main.ts`, what `npm start` runs) on one database,
 * talking to a simulator that lives in the test process — so Wise outlives every gateway, and a
 * test can kill one with SIGKILL at any moment and look at Wise's state directly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mintCustomerToken } from '../../src/http/auth.js';
import type { Simulator } from '../../src/simulator/server.js';
import { TEST_JWT_SECRET } from './gateway.js';
import type { Json } from './journey.js';
import { freePort } from './ports.js';

export type Replica = {
  url: string;
  child: ChildProcess;
  /** GraphQL as a customer's frontend calls it. */
  gql(query: string, variables?: Record<string, unknown>, customerId?: string): Promise<Json>;
  output(): string;
};

/** The bank's SCA signing key, registered with the simulator (as a bank registers it at Wise). */
export function registerScaKey(sim: Simulator): string {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  sim.core.scaPublicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export async function startReplica(options: { sim: Simulator; databaseUrl: string; clientId: string; clientSecret: string; env?: Record<string, string> }): Promise<Replica> {
  const { sim } = options;
  const port = await freePort();
  sim.core.options.redirectUris.push(`http://127.0.0.1:${port}/oauth/callback`);
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: options.databaseUrl,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      SEED_DEMO_DATA: 'true',
      WISE_ENV: 'sandbox',
      WISE_API_URL: sim.url,
      WISE_AUTHORIZE_URL: `${sim.url}/oauth/authorize/`,
      WISE_CLIENT_ID: options.clientId,
      WISE_CLIENT_SECRET: options.clientSecret,
      WISE_WEBHOOK_PUBLIC_KEY: sim.publicKeyPem.replace(/\n/g, '\\n'),
      WEBHOOK_SUBSCRIPTIONS_ENSURE: 'true',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const url = `http://127.0.0.1:${port}`;
  // However slow the machine: wait for readiness or for the process to end, not for a clock.
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`gateway exited:\n${output}`);
    if (await fetch(`${url}/readyz`).then((r) => r.ok).catch(() => false)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const tokens = new Map<string, string>();
  const gql = async (query: string, variables: Record<string, unknown> = {}, customerId = 'cust-alice') => {
    if (!tokens.has(customerId)) tokens.set(customerId, await mintCustomerToken(TEST_JWT_SECRET, customerId, { expiresIn: '12h' }));
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(customerId)}` },
      body: JSON.stringify({ query, variables }),
    });
    return response.json();
  };
  return { url, child, gql, output: () => output };
}

/** SIGKILL: no clean-up, no finally blocks — a crash. */
export function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
