import { readFileSync } from 'node:fs';
import net from 'node:net';

/**
 * Ports for servers a test starts in another process (a gateway replica, PostgreSQL, PgBouncer),
 * which must be chosen before that process binds them.
 *
 * Not `listen(0)`: that hands out a port from the kernel's ephemeral range, the same range every
 * outgoing connection's local port comes from. Between our probe closing and the child binding,
 * any connection on the machine — a pg pool, a fetch to the simulator — may take the port, and
 * the child dies with EADDRINUSE (CI, 4 December: the money harness). So ports come from below
 * that range, where no outgoing connection lands, and each vitest worker draws from a block of
 * its own, so two workers never hand out the same port.
 */
const BLOCK = 1_500;
const FIRST = 20_000;

function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return [low, high];
  } catch {
    // Not Linux: IANA's dynamic range, which macOS and Windows use.
  }
  return [49_152, 65_535];
}

/** 0 in the main process (global set-up), 1…maxWorkers in vitest's workers. */
const slot = Number(process.env.VITEST_POOL_ID ?? 0);
const blockStart = FIRST + slot * BLOCK;
// A random start, so a run straight after another does not walk the ports it just used.
let next = Math.floor(Math.random() * BLOCK);

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A loopback port that is free now and that nothing else in this run will be given. */
export async function freePort(): Promise<number> {
  const [low, high] = ephemeralRange();
  for (let tried = 0; tried < BLOCK; tried += 1) {
    const port = blockStart + (next++ % BLOCK);
    if (port >= low && port <= high) continue;
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in ${blockStart}–${blockStart + BLOCK - 1} outside the ephemeral range ${low}–${high}`);
}

export { ephemeralRange };
