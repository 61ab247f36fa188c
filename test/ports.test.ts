/**
 * The ports tests hand to the servers they start in other processes: a child that binds one
 * must not find it taken by an outgoing connection (EADDRINUSE killed a CI run on 4 December).
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ephemeralRange, freePort } from './support/ports.js';

describe('ports for servers in other processes', () => {
  it('are never from the range outgoing connections take their local ports from', async () => {
    const [low, high] = ephemeralRange();
    const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
    for (const port of ports) expect(port < low || port > high, `${port} is inside ${low}–${high}`).toBe(true);
  });

  it('are handed out once, even when asked for at the same moment, and are bindable', async () => {
    const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
    expect(new Set(ports).size).toBe(ports.length);
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], '127.0.0.1', resolve);
    });
    await new Promise((r) => server.close(r));
  });
});
