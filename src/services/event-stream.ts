/**
 * An AsyncIterable of the domain events one subscriber may see. The filter runs before
 * anything is queued, so another customer's event never reaches this subscriber's queue.
 * Ends (and unsubscribes) when the client goes away.
 */
import type { DomainEvent, EventBus } from './events.js';

export function eventStream<T extends DomainEvent>(events: EventBus, accept: (event: DomainEvent) => event is T): AsyncIterableIterator<T> {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  const unsubscribe = events.subscribe((event) => {
    if (done || !accept(event)) return;
    queue.push(event);
    // A subscriber that stops reading must not grow the queue without bound.
    if (queue.length > 1000) queue.shift();
    wake?.();
  });
  const finish = () => {
    done = true;
    unsubscribe();
    wake?.();
  };
  return {
    async next(): Promise<IteratorResult<T>> {
      while (!done && queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (queue.length > 0) return { value: queue.shift()!, done: false };
      return { value: undefined, done: true };
    },
    async return(): Promise<IteratorResult<T>> {
      finish();
      return { value: undefined, done: true };
    },
    async throw(error?: unknown): Promise<IteratorResult<T>> {
      finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
