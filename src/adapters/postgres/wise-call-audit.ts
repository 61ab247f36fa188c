/**
 * The audit trail of calls to Wise (wise/http.ts's AuditSink port), written to `wise_call` in
 * batches off the request path: a call to Wise must not wait for its own audit row, and a burst
 * of calls costs one insert. It stamps each record with the inbound request that made the call
 * and counts it in the metrics, so the HTTP client and the OAuth client are audited alike while
 * wise/ itself knows neither the database nor the request.
 */
import type { Logger } from '../../logger.js';
import type { Orm } from '../../db/orm.js';
import { currentRequestId } from '../../ops/log-context.js';
import type { Metrics } from '../../ops/metrics.js';
import { endpointTemplate } from '../../wise/audit.js';
import type { AuditRecord, AuditSink } from '../../wise/http.js';

export class PostgresAuditSink implements AuditSink {
  private buffer: AuditRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly orm: Orm,
    private readonly logger: Logger,
    private readonly flushEveryMs = 250,
    private readonly metrics?: Metrics,
  ) {}

  record(entry: AuditRecord): void {
    // Called in the caller's async context: the request that made the call is known here.
    this.buffer.push({ ...entry, requestId: entry.requestId ?? currentRequestId() });
    this.metrics?.recordWiseCall(entry.method, endpointTemplate(entry.path), entry.status, entry.durationMs);
    if (this.buffer.length >= 200) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushEveryMs);
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(async () => {
      const values = batch.flatMap((e) => [e.correlationId, e.method, e.path, e.status, e.durationMs, e.attempt, e.error, e.customerId, e.requestId ?? null]);
      const rows = batch.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      try {
        await this.orm.em
          .fork()
          .getConnection()
          .execute(`insert into wise_call (correlation_id, method, path, status, duration_ms, attempt, error, customer_id, request_id) values ${rows}`, values, 'run');
      } catch (error) {
        this.logger.error({ err: error, lost: batch.length }, 'could not write the Wise call audit');
      }
    });
    return this.flushing;
  }
}
