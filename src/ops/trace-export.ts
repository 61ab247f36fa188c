/**
 * Where spans leave the gateway: OTLP/HTTP, as OpenTelemetry's OTLPTraceExporter sends them, with
 * the sending done by a worker thread (trace-export-worker.mjs).
 *
 * Why a thread: the exporter posts with Node's `http` client, and its client requests, responses
 * and sockets pass through the same Node internals as every request the gateway answers — the
 * streams, `OutgoingMessage`, `IncomingMessage`. Sent from the gateway's own thread, they made
 * those functions see shapes they otherwise never see, and every request after the first
 * export paid for it (bench/README.md, "4 December 2026, afternoon"). In a thread of its own the
 * sending has an isolate of its own. The spans are serialised here (OpenTelemetry's JSON
 * serializer, which reads the SDK's span objects) and the bytes moved, not copied, to the thread.
 */
import { Worker } from 'node:worker_threads';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';

export type ExporterRequest = { type: 'export'; id: number; bytes: Uint8Array; spans: number } | { type: 'flush' | 'shutdown'; id: number };
export type ExporterReply = { type: 'exported'; id: number; ok: boolean; error?: string } | { type: 'done'; id: number; error?: string };

/** What a warning about lost spans says: how much was lost since the last one, and the last reason. */
export type ExportFailures = { batches: number; spans: number; lastError: string; sinceMs: number };
/** Told when spans could not be delivered (throttled by ExportFailureReport) and when delivery works again. */
export type ExportFailureListener = { failed(failures: ExportFailures): void; recovered(): void };

/**
 * Spans that could not be delivered (collector down, a wrong endpoint, a refusal), told to the
 * operator without flooding the log: the first failure at once, then at most one report per
 * interval with what was lost meanwhile, and one line when delivery works again. OpenTelemetry's
 * own exporter only tells its diag logger, which a gateway without one never hears.
 */
export class ExportFailureReport {
  private pending: ExportFailures | undefined;
  private lastReportAt = -Infinity;
  private failing = false;

  constructor(
    private readonly report: ExportFailureListener,
    private readonly intervalMs = 60_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  failed(spans: number, error: string): void {
    const now = this.now();
    this.pending = {
      batches: (this.pending?.batches ?? 0) + 1,
      spans: (this.pending?.spans ?? 0) + spans,
      lastError: error,
      sinceMs: this.pending?.sinceMs ?? now,
    };
    this.failing = true;
    if (now - this.lastReportAt >= this.intervalMs) this.flush(now);
  }

  delivered(): void {
    if (!this.failing) return;
    // What was lost since the last report is told before the recovery.
    if (this.pending) this.flush(this.now());
    this.failing = false;
    this.report.recovered();
  }

  private flush(now: number): void {
    const failures = this.pending!;
    this.pending = undefined;
    this.lastReportAt = now;
    this.report.failed(failures);
  }
}

export class ThreadedOtlpExporter implements SpanExporter {
  /** Started at once, and again with the next batch if it ever stops on its own. */
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, (reply: ExporterReply) => void>();
  private stopped = false;

  /** `url`: the traces endpoint (`…/v1/traces`); `failures`: told of every batch delivered or lost. */
  constructor(
    private readonly url: string,
    private readonly failures?: ExportFailureReport,
  ) {
    // Started now, not under the first traced request.
    this.thread();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./trace-export-worker.mjs', import.meta.url), {
      workerData: { url: this.url },
      name: 'otlp-trace-export',
      // Plain JavaScript beside this module (in src/ and, built, in dist/), run without the
      // process's flags: under `npm run dev` and the tests those load TypeScript, which it needs not.
      execArgv: [],
      // Its stdout and stderr are not piped to the process's: it prints nothing (its failures
      // come back as results), and a pipe would put the thread's streams through the same
      // stream code as every request's body and socket.
      stdout: true,
      stderr: true,
    });
    let reason = '';
    worker.on('message', (reply: ExporterReply) => this.settle(reply));
    worker.on('error', (error) => (reason = `: ${error.message}`));
    worker.on('exit', (code) => {
      // A thread that stopped on its own (an uncaught error, out of memory) fails what it held;
      // the next batch starts another rather than every later span being dropped unheard.
      if (this.worker === worker) this.worker = undefined;
      this.failAll(`the trace export thread stopped (exit code ${code})${reason}`);
    });
    // It keeps the process alive only while it has something to answer.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    if (this.stopped) return done({ code: ExportResultCode.FAILED, error: new Error('the trace exporter is shut down') });
    const bytes = JsonTraceSerializer.serializeRequest(spans);
    if (!bytes) {
      this.failures?.failed(spans.length, 'spans could not be serialised');
      return done({ code: ExportResultCode.FAILED, error: new Error('spans could not be serialised') });
    }
    // Moved when the bytes own their buffer (TextEncoder's do); copied otherwise.
    const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    this.ask({ type: 'export', id: 0, bytes: owned, spans: spans.length }, [owned.buffer as ArrayBuffer], (reply) => {
      const ok = reply.type === 'exported' && reply.ok;
      if (ok) this.failures?.delivered();
      else this.failures?.failed(spans.length, reply.error ?? 'export failed');
      done(ok ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED, error: new Error(reply.error ?? 'export failed') });
    });
  }

  forceFlush(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.ask({ type: 'flush', id: 0 }, [], () => resolve()));
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>((resolve) => this.ask({ type: 'shutdown', id: 0 }, [], () => resolve(), worker));
    this.worker = undefined;
    await worker.terminate();
  }

  private ask(request: ExporterRequest, transfer: ArrayBuffer[], answered: (reply: ExporterReply) => void, worker = this.thread()): void {
    const id = this.nextId++;
    if (this.waiting.size === 0) worker.ref();
    this.waiting.set(id, answered);
    worker.postMessage({ ...request, id }, transfer);
  }

  private settle(reply: ExporterReply): void {
    const answered = this.waiting.get(reply.id);
    if (!answered) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref();
    answered(reply);
  }

  private failAll(error: string): void {
    for (const id of [...this.waiting.keys()]) this.settle({ type: 'done', id, error });
  }
}
