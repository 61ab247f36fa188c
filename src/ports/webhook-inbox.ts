/**
 * The webhook inbox, as the webhook service uses it: deliveries stored once with the job that
 * applies them, read, locked and marked inside the transaction that applies them (`Tx`, which
 * the adapter knows: adapters/postgres/webhook-inbox.ts keeps it in PostgreSQL), and the
 * orphans no job will apply. The gateway's own store, not a bank's: it is a port so that the
 * service names what it needs and the SQL stays in the adapter.
 */
/** A delivery as the receiver stores it. `status` is `pending` for an event type applied here. */
export type NewDelivery = {
  deliveryId: string;
  eventType: string;
  subscriptionId: string;
  schemaVersion: string;
  occurredAt: Date | null;
  /** The raw body, exactly as signed. */
  body: string;
  test: boolean;
  status: 'pending' | 'ignored';
  note: string | null;
};

/** A stored delivery, as an applier reads it (the body never changes once stored; the status does). */
export type StoredDelivery = { eventType: string; data: any; occurredAt: Date | null; status: string };

export type InboxStatus = 'applied' | 'ignored' | 'stale';

/** Expressions to select, with their `?` parameters: what another statement can carry along. */
export type SelectList = { select: string; params: unknown[] };

export interface WebhookInbox<Tx> {
  /** Stores a delivery (with its job when `withJob`); false when the same event was stored before. */
  store(delivery: NewDelivery, withJob: boolean): Promise<boolean>;
  read(deliveryId: string): Promise<StoredDelivery | undefined>;
  /** Locks the delivery's row in `tx` and gives its status. */
  lock(tx: Tx, deliveryId: string): Promise<string | undefined>;
  /** `work` in a transaction of its own that begins with the delivery's row locked; its status. */
  applying<T>(deliveryId: string, work: (tx: Tx, status: string | undefined) => Promise<T>): Promise<T>;
  /** `alongside`: a select list run in the same statement (the bus's notifications at commit). */
  mark(tx: Tx, deliveryId: string, status: InboxStatus, note: string | null, alongside?: SelectList | null): Promise<void>;
  enqueueJobs(deliveryIds: string[]): Promise<void>;
  /** Deliveries pending for longer than `seconds` with no job to apply them, oldest first. */
  orphans(seconds: number, limit: number): Promise<string[]>;
  pendingCount(): Promise<number>;
}
