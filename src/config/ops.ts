/** Operating it: metrics, traces, shutdown, migrations, retention (README "Operating it"). */
import type { SectionInput } from './variables.js';

export type OpsConfig = {
  /** Prometheus /metrics listener; undefined when METRICS_PORT=off. Port 0 picks a free one. */
  metrics?: { host: string; port: number };
  /** OTLP/HTTP traces endpoint (OTEL_EXPORTER_OTLP_ENDPOINT); tracing is off without it. */
  tracing?: {
    endpoint: string;
    serviceName: string;
    sampleRatio: number;
    /** A span per express route handler (OTEL_EXPRESS_SPANS; off by default: see ops/edge-sampling.ts nameRouteForTraces). */
    expressSpans: boolean;
  };
  /** Seconds /readyz answers 503 after SIGTERM before the listener closes. */
  shutdownDrainSeconds: number;
  /** Apply pending migrations at start-up (false: `npm run migrate` is a separate step). */
  migrationsOnStart: boolean;
  /** Days `wise_call` rows and applied `webhook_inbox` rows are kept (daily prune). */
  wiseCallRetentionDays: number;
  webhookInboxRetentionDays: number;
  /** Transfers a reconciliation run reads and checks at a time. */
  reconcileBatchSize: number;
};

export function opsConfig({ v, production, problem }: SectionInput): OpsConfig {
  const metricsPort = v.METRICS_PORT === 'off' ? undefined : (v.METRICS_PORT ?? (production ? 9464 : 0));
  if (metricsPort && metricsPort === (v.PORT ?? 4000)) problem(`METRICS_PORT must differ from PORT (${metricsPort}): metrics have a listener of their own`);
  return {
    metrics: metricsPort === undefined ? undefined : { host: v.METRICS_HOST ?? (production ? '0.0.0.0' : '127.0.0.1'), port: metricsPort },
    tracing: v.OTEL_EXPORTER_OTLP_ENDPOINT ? { endpoint: v.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, ''), serviceName: v.OTEL_SERVICE_NAME ?? 'wise-platform-gateway', sampleRatio: v.OTEL_TRACES_SAMPLER_ARG ?? 1, expressSpans: v.OTEL_EXPRESS_SPANS ?? false } : undefined,
    shutdownDrainSeconds: v.SHUTDOWN_DRAIN_SECONDS ?? (production ? 5 : 0),
    migrationsOnStart: v.MIGRATIONS_ON_START ?? true,
    wiseCallRetentionDays: v.WISE_CALL_RETENTION_DAYS ?? 90,
    webhookInboxRetentionDays: v.WEBHOOK_INBOX_RETENTION_DAYS ?? 30,
    reconcileBatchSize: v.RECONCILE_BATCH_SIZE ?? 500,
  };
}
