/**
 * Domain events for live updates (onboarding status, verification, transfer states). Services
 * publish; GraphQL subscriptions listen. The in-process bus serves one replica; the Postgres
 * bus (LISTEN/NOTIFY) carries events to every replica.
 */
import type { Sql } from '../db/plain.js';

export type DomainEvent =
  | { type: 'onboarding.changed'; customerId: string }
  | { type: 'verification.changed'; customerId: string; profileId: number }
  | { type: 'transfer.changed'; customerId: string; transferId: string };

export interface EventBus {
  publish(event: DomainEvent): Promise<void>;
  /**
   * Publishes when the caller's transaction commits, and never if it rolls back — with no
   * round trip of its own. Buses that cannot (in-process) leave it out; callers then publish
   * after the commit.
   */
  publishOnCommit?(sql: Sql, events: DomainEvent[]): Promise<void>;
  subscribe(listener: (event: DomainEvent) => void): () => void;
}

export class InProcessEventBus implements EventBus {
  private readonly listeners = new Set<(event: DomainEvent) => void>();

  async publish(event: DomainEvent): Promise<void> {
    for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: (event: DomainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
