/**
 * A second replica: the gateway as `npm start` runs it, in a process of its own, on the
 * database of an in-process test gateway.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { TEST_JWT_SECRET } from './gateway.js';
import { freePort } from './ports.js';

export type GatewayProcess = { url: string; child: ChildProcess; stop(): Promise<void> };

/** The gateway as `npm start` runs it, in a process of its own, on the given database. */
export async function startGatewayProcess(databaseUrl: string, env: Record<string, string> = {}, options: { waitForReady?: boolean } = {}): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TMPDIR: process.env.TMPDIR,
      NODE_ENV: 'test',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      SIMULATOR_PORT: '0',
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      ...env,
    } as NodeJS.ProcessEnv,
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
