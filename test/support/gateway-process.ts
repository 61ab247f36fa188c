/**
 * The gateway in processes of its own, on the database of a test: a second replica as
 * `npm start` runs it, and the steps an operator runs beside it (`npm run migrate`,
 * `npm run reconcile`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { TEST_JWT_SECRET } from './gateway.js';
import { freePort } from './ports.js';

export type GatewayProcess = { url: string; child: ChildProcess; stop(): Promise<void> };

/** What a gateway process is given: of the test runner's environment only PATH, HOME and TMPDIR. */
function gatewayEnv(databaseUrl: string, env: Record<string, string>): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR } = process.env;
  return { PATH, HOME, TMPDIR, NODE_ENV: 'test', DATABASE_URL: databaseUrl, AUTH_JWT_SECRET: TEST_JWT_SECRET, ...env };
}

/**
 * Runs an operator's step (`npm run migrate`, a script) against the given database until it
 * exits — however long that takes — and hands back its exit code and what it wrote.
 */
export function runGatewayCommand(command: string, args: string[], databaseUrl: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: gatewayEnv(databaseUrl, env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The gateway as `npm start` runs it, in a process of its own, on the given database. */
export async function startGatewayProcess(databaseUrl: string, env: Record<string, string> = {}, options: { waitForReady?: boolean } = {}): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/main.ts'], {
    env: gatewayEnv(databaseUrl, { PORT: String(port), SIMULATOR_PORT: '0', JOBS_ENABLED: 'false', LOG_LEVEL: 'warn', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  // However slow the machine: wait for readiness or for the process to end, not for a clock.
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`gateway process exited: ${output}`);
    // Not waiting for readiness (a gateway that is not ready on purpose): for it to answer at all.
    const ready = await fetch(`${url}/${options.waitForReady === false ? 'healthz' : 'readyz'}`).then((r) => r.ok, () => false);
    if (ready) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
