/**
 * Requests and responses are made with express's prototypes (src/lib/express-prototypes.ts):
 * express finds nothing to change, so two requests that went the same way through the app share
 * their hidden class — with a prototype changed per request, each had its own, and V8 promoted
 * every request to old space (25-30 KB per webhook delivery).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import compression from 'compression';
import express from 'express';
import helmet from 'helmet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expressPrototypes } from '../src/lib/express-prototypes.js';

v8.setFlagsFromString('--allow-natives-syntax');
// V8's own answer (a natives-syntax call, compiled after the flag is set): do two objects share a hidden class?
const haveSameMap = vm.runInThisContext('(a, b) => %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

type Seen = { req: express.Request; res: express.Response; reqPrototypeAtStart: object | null; resPrototypeAtStart: object | null };
const seen: Seen[] = [];
let server: http.Server;
let url: string;
let app: express.Express;

beforeAll(async () => {
  app = express();
  app.use(helmet(), compression({ threshold: 1024 }));
  app.post('/hook', express.raw({ type: () => true }), (req, res) => {
    res.status(200).json({ app: req.app === app, header: req.get('x-test') ?? null });
  });
  const listener = app;
  server = http.createServer(expressPrototypes(app), (req, res) => {
    seen.push({
      req: req as express.Request,
      res: res as express.Response,
      reqPrototypeAtStart: Object.getPrototypeOf(req),
      resPrototypeAtStart: Object.getPrototypeOf(res),
    });
    listener(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('requests made with express prototypes', () => {
  it('arrive with the prototypes express sets, and express works as before', async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'x-test': 'yes' }, body: '{}' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.json()).toEqual({ app: true, header: 'yes' });
    const { req, res, reqPrototypeAtStart, resPrototypeAtStart } = seen.at(-1)!;
    expect(reqPrototypeAtStart).toBe(app.request);
    expect(resPrototypeAtStart).toBe(app.response);
    expect(req).toBeInstanceOf(http.IncomingMessage);
    expect(res).toBeInstanceOf(http.ServerResponse);
    expect(req.app).toBe(app);
  });

  it('share their hidden class with the requests before them', async () => {
    for (let i = 0; i < 3; i++) await (await fetch(url, { method: 'POST', headers: { 'x-test': 'yes' }, body: '{}' })).arrayBuffer();
    const [a, b] = seen.slice(-2);
    expect(haveSameMap(a.req, b.req)).toBe(true);
    expect(haveSameMap(a.res, b.res)).toBe(true);
  });
});
