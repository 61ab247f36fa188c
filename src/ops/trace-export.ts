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

export type ExporterRequest =
  | { type: 'export'; id: number; bytes: Uint8Array; spans: number }
  | { type: 'flush' | 'shutdown'; id: number };
export type ExporterReply = { type: 'exported'; id: number; ok: boolean; error?: string } | { type: 'done'; id: number; error?: string };

export class ThreadedOtlpExporter implements SpanExporter {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly waiting = new Map<number, (reply: ExporterReply) => void>();
  private stopped = false;

  /** `url`: the traces endpoint (`…/v1/traces`). */
  constructor(url: string) {
    this.worker = new Worker(new URL('./trace-export-worker.mjs', import.meta.url), {
      workerData: { url },
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
    this.worker.on('message', (reply: ExporterReply) => this.settle(reply));
    this.worker.on('error', (error) => this.failAll(error.message));
    this.worker.on('exit', () => {
      this.stopped = true;
      this.failAll('the trace export thread stopped');
    });
    // It keeps the process alive only while it has something to answer.
    this.worker.unref();
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    if (this.stopped) return done({ code: ExportResultCode.FAILED, error: new Error('the trace exporter is shut down') });
    const bytes = JsonTraceSerializer.serializeRequest(spans);
    if (!bytes) return done({ code: ExportResultCode.FAILED, error: new Error('spans could not be serialised') });
    // Moved when the bytes own their buffer (TextEncoder's do); copied otherwise.
    const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    this.ask({ type: 'export', id: 0, bytes: owned, spans: spans.length }, [owned.buffer as ArrayBuffer], (reply) =>
      done(reply.type === 'exported' && reply.ok ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED, error: new Error(reply.error ?? 'export failed') }),
    );
  }

  forceFlush(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.ask({ type: 'flush', id: 0 }, [], () => resolve()));
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    await new Promise<void>((resolve) => this.ask({ type: 'shutdown', id: 0 }, [], () => resolve()));
    this.stopped = true;
    await this.worker.terminate();
  }

  private ask(request: ExporterRequest, transfer: ArrayBuffer[], answered: (reply: ExporterReply) => void): void {
    const id = this.nextId++;
    if (this.waiting.size === 0) this.worker.ref();
    this.waiting.set(id, answered);
    this.worker.postMessage({ ...request, id }, transfer);
  }

  private settle(reply: ExporterReply): void {
    const answered = this.waiting.get(reply.id);
    if (!answered) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker.unref();
    answered(reply);
  }

  private failAll(error: string): void {
    for (const id of [...this.waiting.keys()]) this.settle({ type: 'done', id, error });
  }
}
