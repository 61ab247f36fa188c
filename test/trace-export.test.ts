/**
 * Spans leave over OTLP/HTTP from a thread of their own (ops/trace-export.ts): the collector
 * receives what OpenTelemetry's OTLPTraceExporter would send, the gateway's own thread makes no
 * HTTP client request for it, a refused batch is reported failed, and shutting down delivers what
 * was handed over before it.
 */
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { ThreadedOtlpExporter } from '../src/ops/trace-export.js';

type Received = { path: string; contentType?: string; spans: string[] };
const received: Received[] = [];
/** What the collector answers next: 200, or a status to refuse with. */
let answer = 200;
let collector: http.Server;
let endpoint: string;

beforeAll(async () => {
  collector = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const payload = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] };
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'], spans: payload.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => span.name))) });
      res.writeHead(answer, { 'content-type': 'application/json' }).end(answer === 200 ? '{}' : '{"message":"refused"}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;
});
afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

/** Real spans of the SDK, finished, named as given. */
function spansNamed(...names: string[]): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('test');
  for (const name of names) tracer.startSpan(name).end();
  return memory.getFinishedSpans();
}

const exported = (exporter: ThreadedOtlpExporter, spans: ReadableSpan[]) => new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));

describe('the OTLP exporter in a thread of its own', () => {
  it("delivers the spans as OTLP/JSON to the endpoint, with no HTTP client request from the gateway's thread", async () => {
    const fromThisThread: unknown[] = [];
    const listen = (message: unknown) => fromThisThread.push(message);
    diagnostics.subscribe('http.client.request.start', listen);
    const exporter = new ThreadedOtlpExporter(endpoint);
    try {
      const result = await exported(exporter, spansNamed('graphql query Page', 'pg.query:SELECT'));
      expect(result.code).toBe(ExportResultCode.SUCCESS);
      expect(received.at(-1)).toEqual({ path: '/v1/traces', contentType: 'application/json', spans: ['graphql query Page', 'pg.query:SELECT'] });
      expect(fromThisThread).toEqual([]);
    } finally {
      diagnostics.unsubscribe('http.client.request.start', listen);
      await exporter.shutdown();
    }
  });

  it('reports a batch the collector refuses as failed', async () => {
    const exporter = new ThreadedOtlpExporter(endpoint);
    answer = 400;
    try {
      const result = await exported(exporter, spansNamed('refused'));
      expect(result.code).toBe(ExportResultCode.FAILED);
      expect(received.at(-1)?.spans).toEqual(['refused']);
    } finally {
      answer = 200;
      await exporter.shutdown();
    }
  });

  it('delivers on shutdown what it was handed before, and refuses what comes after', async () => {
    const exporter = new ThreadedOtlpExporter(endpoint);
    const before = received.length;
    const handedOver = exported(exporter, spansNamed('the last one'));
    await exporter.shutdown();
    expect((await handedOver).code).toBe(ExportResultCode.SUCCESS);
    expect(received.slice(before).flatMap((r) => r.spans)).toEqual(['the last one']);
    expect((await exported(exporter, spansNamed('too late'))).code).toBe(ExportResultCode.FAILED);
  });
});
