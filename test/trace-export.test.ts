/**
 * Spans leave over OTLP/HTTP from a thread of their own (ops/trace-export.ts): the collector
 * receives what OpenTelemetry's OTLPTraceExporter would send, the gateway's own thread makes no
 * HTTP client request for it, a refused batch is reported failed, and shutting down delivers what
 * was handed over before it. Lost spans are told to the operator — with the reason, at most once
 * an interval, and once more when delivery works again.
 */
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { ExportFailureReport, ThreadedOtlpExporter, type ExportFailures } from '../src/ops/trace-export.js';
import { freePort } from './support/ports.js';

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
      received.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        spans: payload.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => span.name))),
      });
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

/** What an operator would read: each report of lost spans, and each recovery. */
function operatorLog(intervalMs = 60_000, now?: () => number) {
  const lines: ({ lost: ExportFailures } | 'recovered')[] = [];
  const report = new ExportFailureReport({ failed: (lost) => lines.push({ lost }), recovered: () => lines.push('recovered') }, intervalMs, now);
  return { lines, report };
}

describe('spans that could not be delivered', () => {
  // Nothing listening is retried until OpenTelemetry's export timeout (10 s) runs out.
  it('are told with the reason: the socket error when nothing listens, the status when the collector refuses', { timeout: 90_000 }, async () => {
    const { lines, report } = operatorLog();
    const nobody = new ThreadedOtlpExporter(`http://127.0.0.1:${await freePort()}/v1/traces`, report);
    try {
      expect((await exported(nobody, spansNamed('a', 'b'))).code).toBe(ExportResultCode.FAILED);
    } finally {
      await nobody.shutdown();
    }
    expect(lines).toEqual([{ lost: expect.objectContaining({ batches: 1, spans: 2, lastError: expect.stringContaining('ECONNREFUSED') }) }]);

    const refused = operatorLog(0);
    const exporter = new ThreadedOtlpExporter(endpoint, refused.report);
    answer = 400;
    try {
      await exported(exporter, spansNamed('refused'));
    } finally {
      answer = 200;
      await exporter.shutdown();
    }
    expect(refused.lines).toEqual([{ lost: expect.objectContaining({ spans: 1, lastError: 'HTTP 400 Bad Request' }) }]);
  });

  it('are told when the thread dies with a batch in hand, and the next batch is delivered by a new thread', async () => {
    const { lines, report } = operatorLog(0);
    const exporter = new ThreadedOtlpExporter(endpoint, report);
    try {
      // A thread that stops on its own (an uncaught error, out of memory): nothing else can end it from here.
      const thread = (exporter as unknown as { worker: { terminate(): Promise<number> } }).worker;
      const inHand = exported(exporter, spansNamed('in hand'));
      await thread.terminate();
      expect((await inHand).code).toBe(ExportResultCode.FAILED);
      expect(lines).toEqual([{ lost: expect.objectContaining({ spans: 1, lastError: expect.stringMatching(/^the trace export thread stopped/) }) }]);

      const before = received.length;
      expect((await exported(exporter, spansNamed('after'))).code).toBe(ExportResultCode.SUCCESS);
      expect(received.slice(before).flatMap((r) => r.spans)).toEqual(['after']);
      expect(lines.at(-1)).toBe('recovered');
    } finally {
      await exporter.shutdown();
    }
  });

  it('are told at once, then at most once an interval with what was lost meanwhile, and recovery once', () => {
    let now = 1_000;
    const { lines, report } = operatorLog(60_000, () => now);
    report.delivered();
    expect(lines).toEqual([]);

    report.failed(3, 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4318');
    expect(lines).toEqual([{ lost: { batches: 1, spans: 3, lastError: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4318', sinceMs: 1_000 } }]);
    now += 5_000;
    report.failed(2, 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4318');
    now += 5_000;
    report.failed(4, 'Request timed out');
    expect(lines).toHaveLength(1);
    now = 61_000;
    report.failed(1, 'Request timed out');
    expect(lines[1]).toEqual({ lost: { batches: 3, spans: 7, lastError: 'Request timed out', sinceMs: 6_000 } });

    now += 1_000;
    report.failed(5, 'HTTP 503 Service Unavailable');
    report.delivered();
    report.delivered();
    // What was lost since the last report comes before the recovery, and recovery is told once.
    expect(lines.slice(2)).toEqual([{ lost: { batches: 1, spans: 5, lastError: 'HTTP 503 Service Unavailable', sinceMs: 62_000 } }, 'recovered']);
  });
});
