/**
 * The webhook-latency phase's subscribers, on a thread of their own (bench/run.ts,
 * webhookLatency). They stand for the bank's apps: their clock must not stop when the bench's
 * main thread — which paces the simulator's state changes, polls health and reads Postgres —
 * collects its garbage. On the main thread, its scavenges and mark-compacts (5–16 ms, every
 * second or so) fell next to the slowest events of the phase and were counted as the gateway's.
 * This isolate holds only the WebSockets and stamps each message as it arrives.
 *
 * workerData: { url, tokens, query }. Posts { ready } once every socket is connected and
 * subscribed, then { transferId, status, at (ms since the epoch, sub-millisecond), wall
 * (Date.now()) } per message; on { close } disposes of the sockets and posts { closed }.
 * Plain JavaScript: a worker thread does not get the main thread's TypeScript loader.
 */
import { performance, PerformanceObserver, constants } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const { url, tokens, query } = workerData;
const now = () => performance.timeOrigin + performance.now();

// This thread's own collections, reported at the end: a pause here stamps the messages behind it
// late, and that lateness is the bench's, not the gateway's.
const KINDS = { [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks' };
const collections = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) collections.push({ at: performance.timeOrigin + e.startTime, ms: e.duration, kind: KINDS[e.detail?.kind] ?? String(e.detail?.kind) });
}).observe({ entryTypes: ['gc'] });

const clients = await Promise.all(
  tokens.map(async (token) => {
    const client = createClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false });
    await new Promise((resolve, reject) => {
      client.on('connected', resolve);
      client.on('closed', (e) => reject(new Error(`closed ${e?.code}`)));
    });
    client.subscribe(
      { query },
      {
        next: (value) => {
          const at = now();
          const changed = value.data.transferStatusChanged;
          parentPort.postMessage({ transferId: changed.transferId, status: changed.status, at, wall: Date.now() });
        },
        error: (e) => parentPort.postMessage({ error: JSON.stringify(e) }),
        complete: () => {},
      },
    );
    return client;
  }),
);
parentPort.postMessage({ ready: true });
parentPort.on('message', async (message) => {
  if (!message.close) return;
  await Promise.all(clients.map((c) => c.dispose()));
  parentPort.postMessage({ closed: true, collections });
});
