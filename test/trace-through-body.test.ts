/**
 * A traced request's handlers run in its trace after its body is read, with its request and
 * response left as they are. OpenTelemetry's context manager would bind both emitters for that,
 * putting its own `on`, `addListener`… on each traced request (ops/tracing.ts,
 * ScopedContextManager.bind); the gateway does not, because the body parsers its routes use
 * (express's json and raw, on raw-body) call back in the context they were called in, while a
 * listener on the request's own events does not. If an upgrade stopped them, a traced request's
 * operation, SQL and Wise spans would go missing from its trace: this says so first.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { logContext } from '../src/ops/log-context.js';
import { ScopedContextManager } from '../src/ops/tracing.js';

const TRACE = createContextKey('the trace this test plays');
const manager = new ScopedContextManager();

let server: http.Server;
let url: string;
/** Called when a request's headers have reached the server, before its body is sent. */
const arrived = new Map<string, () => void>();

beforeAll(async () => {
  const app = express();
  const report = (_req: express.Request, res: express.Response) =>
    res.json({ requestId: logContext.getStore()?.requestId ?? null, trace: manager.active().getValue(TRACE) ?? null });
  // As the gateway's routes: /graphql reads JSON (after an awaited admission), the webhook its raw bytes.
  app.post('/json', async (_req, _res, next) => next(await Promise.resolve()), express.json(), report);
  app.post('/raw', express.raw({ type: () => true }), report);
  // A reader of its own, on the request's events: what a traced request's handlers would run in
  // without the parsers' care.
  app.post('/events', (req, res) => {
    req.on('data', () => {});
    req.on('end', () => report(req, res));
  });
  server = http.createServer((req, res) => {
    const id = String(req.headers['x-request-id']);
    arrived.get(id)?.();
    // As the HTTP instrumentation runs a traced request, with the context manager's bind.
    const traced = ROOT_CONTEXT.setValue(TRACE, `trace of ${id}`);
    manager.with(traced, () => {
      manager.bind(traced, req);
      manager.bind(traced, res);
      logContext.run({ requestId: id }, () => app(req, res));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** POSTs a body; `late`: only once the server holds the request, so the body comes in later events. */
function post(path: string, requestId: string, late: boolean): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const request = http.request(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': requestId } }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve(JSON.parse(text)));
    });
    request.on('error', reject);
    if (late) {
      arrived.set(requestId, () => request.end(body));
      request.flushHeaders();
    } else {
      request.end(body);
    }
  });
}

describe("a traced request's trace, through its body", () => {
  for (const path of ['/json', '/raw']) {
    for (const late of [false, true]) {
      it(`is where ${path}'s handlers run after the body, sent ${late ? 'after the headers' : 'with them'}`, async () => {
        const ids = [`${path}-${late}-a`, `${path}-${late}-b`];
        const seen = await Promise.all(ids.map((id) => post(path, id, late)));
        expect(seen).toEqual(ids.map((id) => ({ requestId: id, trace: `trace of ${id}` })));
      });
    }
  }

  it("is not where a listener on the request's own events runs: the parsers' care is what keeps it", async () => {
    expect(await post('/events', 'events-late', true)).toEqual({ requestId: null, trace: null });
    expect(await post('/events', 'events-with', false)).toEqual({ requestId: null, trace: null });
  });
});
