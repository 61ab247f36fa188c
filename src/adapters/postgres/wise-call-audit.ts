/**
 * The audit trail of calls to Wise (wise/http.ts's AuditSink port), written to `wise_call` in
 * batches off the request path, on the gateway's Postgres:
 * a call to Wise must not wait for its own audit row, and a burst of calls costs one insert.
 */
import type { Logger } from '../../logger.js';
import type { Orm } from '../../db/orm.js';
import type { AuditRecord, AuditSink } from '../../wise/http.js';

export class PostgresAuditSink implements AuditSink {
  private buffer: AuditRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly orm: Orm,
    private readonly logger: Logger,
    private readonly flushEveryMs = 250,
  ) {}

  record(entry: AuditRecord): void {
    this.buffer.push(entry);
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
      const values = batch.flatMap((e) => [e.correlationId, e.method, e.path, e.status, e.durationMs, e.attempt, e.error, e.customerId]);
      const rows = batch.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      try {
        await this.orm.em
          .fork()
          .getConnection()
          .execute(`insert into wise_call (correlation_id, method, path, status, duration_ms, attempt, error, customer_id) values ${rows}`, values, 'run');
      } catch (error) {
        this.logger.error({ err: error, lost: batch.length }, 'could not write the Wise call audit');
      }
    });
    return this.flushing;
  }
}
