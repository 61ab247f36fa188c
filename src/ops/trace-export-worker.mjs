/**
 * The far half of ThreadedOtlpExporter (trace-export.ts): a worker thread that sends the batches
 * of spans the gateway serialised to the OTLP/HTTP endpoint, with OpenTelemetry's own transport —
 * its retries, timeout, compression and OTEL_EXPORTER_OTLP_* headers, as OTLPTraceExporter would
 * — and answers each batch with its result.
 *
 * Plain JavaScript, so the thread needs no TypeScript loader in any mode (`npm start`, `npm run
 * dev`, the tests): a second thread started under the loader took down its test process.
 * Messages: ExporterRequest in, ExporterReply out (trace-export.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ExportResultCode } from '@opentelemetry/core';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';

const delegate = createOtlpHttpExportDelegate(
  convertLegacyHttpOptions({ url: workerData.url }, 'TRACES', 'v1/traces', { 'Content-Type': 'application/json' }),
  // Serialised on the gateway's thread already: a batch is its bytes.
  { serializeRequest: (batch) => batch.bytes, deserializeResponse: (data) => JsonTraceSerializer.deserializeResponse(data) },
  'otlp_http_span_exporter',
  { name: 'span', countItems: (batch) => batch.spans },
  undefined,
);

const reply = (message) => parentPort.postMessage(message);
/**
 * A failure as an operator reads it: the collector's status (OTLPExporterError carries it as
 * `code`, a number) or the socket's error code (ECONNREFUSED…), then the message. Neither holds
 * the request's headers, where an OTEL_EXPORTER_OTLP_HEADERS credential would be.
 */
const describe = (error) => {
  if (!error) return 'export failed';
  if (typeof error.code === 'number') return `HTTP ${error.code}${error.message ? ` ${error.message}` : ''}`;
  const cause = error.cause ?? error;
  return typeof cause.code === 'string' && !String(cause.message).includes(cause.code)
    ? `${cause.code}: ${cause.message}`
    : String(cause.message ?? error.message);
};
const done = (id) => [() => reply({ type: 'done', id }), (error) => reply({ type: 'done', id, error: String(error) })];

parentPort.on('message', (request) => {
  if (request.type === 'export') {
    delegate.export({ bytes: request.bytes, spans: request.spans }, (result) =>
      reply({
        type: 'exported',
        id: request.id,
        ok: result.code === ExportResultCode.SUCCESS,
        error: result.code === ExportResultCode.SUCCESS ? undefined : describe(result.error),
      }),
    );
  } else if (request.type === 'flush') {
    delegate.forceFlush().then(...done(request.id));
  } else if (request.type === 'shutdown') {
    delegate.shutdown().then(...done(request.id));
  }
});
