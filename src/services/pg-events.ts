/**
 * The event bus across replicas: Postgres LISTEN/NOTIFY, nothing extra to run. Every replica
 * listens on one channel; a publish from any of them reaches the subscribers of all of them.
 */
import pg from 'pg';
import type { Logger } from '../logger.js';
import type { Sql } from '../db/plain.js';
import type { DomainEvent, EventBus } from './events.js';

const CHANNEL = 'gateway_events';

export class PostgresEventBus implements EventBus {
  private readonly listeners = new Set<(event: DomainEvent) => void>();
  private listener: pg.Client | undefined;
  private readonly publisher: pg.Pool;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {
    // A few connections stay open while idle: the first events after a quiet spell must not
    // wait for a connection to be made.
    this.publisher = new pg.Pool({ connectionString: url, max: 8, min: 2 });
    this.publisher.on('error', (error) => this.logger.warn({ err: error }, 'idle event publisher connection failed'));
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      let event: DomainEvent;
      try {
        event = JSON.parse(message.payload) as DomainEvent;
      } catch {
        return;
      }
      for (const listener of this.listeners) listener(event);
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'event listener connection lost; reconnecting');
      void this.reconnect();
    });
    await client.connect();
    await client.query(`listen ${CHANNEL}`);
    this.listener = client;
  }

  private async reconnect(): Promise<void> {
    if (this.stopped) return;
    await this.listener?.end().catch(() => undefined);
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.start();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 5000)));
      }
    }
  }

  async publish(event: DomainEvent): Promise<void> {
    await this.publisher.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify(event)]);
  }

  /** NOTIFY inside a transaction is delivered by Postgres at commit, and dropped on rollback. */
  async publishOnCommit(sql: Sql, events: DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    await sql(`select ${events.map(() => 'pg_notify(?, ?)').join(', ')}`, events.flatMap((event) => [CHANNEL, JSON.stringify(event)]));
  }

  subscribe(listener: (event: DomainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.listener?.end().catch(() => undefined);
    await this.publisher.end();
  }
}
