/**
 * The event bus across replicas: Postgres LISTEN/NOTIFY, nothing extra to run. Every replica
 * listens on one channel; a publish from any of them reaches the subscribers of all of them.
 *
 * NOTIFY is not durable: while this replica's LISTEN connection is down, what is published is
 * not delivered to it. The log is (events.ts): after reconnecting, and whenever a notification
 * cannot be read, the bus tells its subscribers to catch up from the log (`onGap`).
 */
import pg from 'pg';
import type { Logger } from '../logger.js';
import type { Sql } from '../db/plain.js';
import type { SelectList } from '../ports/webhook-inbox.js';
import { appendEvents, type DomainEvent, type EventBody, type EventBus } from './events.js';

const CHANNEL = 'gateway_events';

type Subscriber = { listener: (event: DomainEvent) => void; onGap?: () => void };

function isDomainEvent(value: unknown): value is DomainEvent {
  const event = value as DomainEvent | null;
  return !!event && typeof event === 'object' && typeof event.type === 'string' && typeof event.customerId === 'string' && Number.isSafeInteger(event.sequence);
}

export class PostgresEventBus implements EventBus {
  /** Every subscriber (for gaps); those that take every customer's events; the rest by customer. */
  private readonly subscribers = new Set<Subscriber>();
  private readonly ofEveryCustomer = new Set<Subscriber>();
  private readonly byCustomer = new Map<string, Set<Subscriber>>();
  private listener: pg.Client | undefined;
  private readonly publisher: pg.Pool;
  private stopped = false;
  private reconnecting: Promise<void> | undefined;

  private readonly ownsPublisher: boolean;

  /**
   * `url` is where the LISTEN connection goes: a direct one (never through PgBouncer in
   * transaction mode, which does not keep a session). Notifications are published through
   * `publisher` — the replica's shared pool — or a small pool of its own on `url`.
   */
  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    publisher?: pg.Pool,
  ) {
    this.ownsPublisher = !publisher;
    // A few connections stay open while idle: the first events after a quiet spell must not
    // wait for a connection to be made.
    this.publisher = publisher ?? new pg.Pool({ connectionString: url, max: 8, min: 2 });
    if (!publisher) this.publisher.on('error', (error) => this.logger.warn({ err: error }, 'idle event publisher connection failed'));
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      let event: unknown;
      try {
        event = JSON.parse(message.payload);
      } catch {
        event = undefined;
      }
      if (!isDomainEvent(event)) {
        // Not silently: whoever it was for catches up from the log instead.
        this.logger.warn({ bytes: message.payload.length }, 'an event notification could not be read; subscribers catch up from the event log');
        this.gap();
        return;
      }
      for (const { listener } of this.ofEveryCustomer) listener(event);
      for (const { listener } of this.byCustomer.get(event.customerId) ?? []) listener(event);
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'event listener connection lost; reconnecting');
      void this.reconnect();
    });
    client.on('end', () => {
      if (this.listener === client && !this.stopped) void this.reconnect();
    });
    await client.connect();
    await client.query(`listen ${CHANNEL}`);
    this.listener = client;
  }

  /** The LISTEN connection's backend pid (tests end it to see the bus recover). */
  async listenerPid(): Promise<number | undefined> {
    return (this.listener as unknown as { processID?: number } | undefined)?.processID;
  }

  private reconnect(): Promise<void> {
    this.reconnecting ??= (async () => {
      const old = this.listener;
      this.listener = undefined;
      await old?.end().catch(() => undefined);
      for (let attempt = 1; !this.stopped; attempt++) {
        try {
          await this.start();
          // Whatever was published while no one listened is in the log.
          this.gap();
          return;
        } catch (error) {
          this.logger.warn({ err: error, attempt }, 'event listener could not reconnect yet');
          await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 5000)));
        }
      }
    })().finally(() => (this.reconnecting = undefined));
    return this.reconnecting;
  }

  private gap(): void {
    for (const { onGap } of this.subscribers) onGap?.();
  }

  async publish(event: DomainEvent): Promise<void> {
    await this.publisher.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify(event)]);
  }

  /** NOTIFY inside a transaction is delivered by Postgres at commit, and dropped on rollback. */
  async publishOnCommit(sql: Sql, events: DomainEvent[]): Promise<void> {
    const notifications = this.notificationsOf(events);
    if (notifications) await sql(`select ${notifications.select}`, notifications.params);
  }

  notificationsOf(events: DomainEvent[]): SelectList | null {
    if (events.length === 0) return null;
    return { select: events.map(() => 'pg_notify(?, ?)').join(', '), params: events.flatMap((event) => [CHANNEL, JSON.stringify(event)]) };
  }

  async record(body: EventBody): Promise<DomainEvent> {
    const client = await this.publisher.connect();
    const sql: Sql = async (text, params) => {
      let n = 0;
      return (await client.query(text.replace(/\?/g, () => `$${++n}`), params)).rows;
    };
    try {
      await client.query('begin');
      const [event] = await appendEvents(sql, [body]);
      await this.publishOnCommit(sql, [event]);
      await client.query('commit');
      return event;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  subscribe(listener: (event: DomainEvent) => void, onGap?: () => void, customerId?: string): () => void {
    const subscriber = { listener, onGap };
    this.subscribers.add(subscriber);
    let audience = this.ofEveryCustomer;
    if (customerId !== undefined) {
      audience = this.byCustomer.get(customerId) ?? new Set();
      this.byCustomer.set(customerId, audience);
    }
    audience.add(subscriber);
    return () => {
      this.subscribers.delete(subscriber);
      audience.delete(subscriber);
      if (customerId !== undefined && audience.size === 0 && this.byCustomer.get(customerId) === audience) this.byCustomer.delete(customerId);
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.listener?.end().catch(() => undefined);
    if (this.ownsPublisher) await this.publisher.end();
  }
}
