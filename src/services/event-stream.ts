/**
 * One subscriber's stream of its customer's events: every event once, in sequence order,
 * resumable. It starts after `after` (the last sequence the client saw: what it missed is read
 * from the log first) or, without it, after the last event logged when it starts. Live events
 * follow; one whose number is not the next (a notification lost while a replica's LISTEN
 * connection was down, or published after a later one's commit) sends it back to the log for
 * what lies between. Nothing is queued for another customer; the subscription's own filter
 * (`accept`) runs after the numbering, so a filtered stream still notices gaps.
 * Ends (and unsubscribes) when the client goes away.
 */
import type { PlainDb } from '../db/plain.js';
import { eventsAfter, lastSequence, type DomainEvent, type EventBus } from './events.js';

/** Events held for a subscriber that reads slowly; beyond this it catches up from the log later. */
const MAX_QUEUED = 1000;
const PAGE = 500;

export function customerEventStream<T extends DomainEvent>(
  deps: { events: EventBus; db: PlainDb },
  customerId: string,
  after: number | null,
  accept: (event: DomainEvent) => event is T,
): AsyncIterableIterator<T> {
  const queue: T[] = [];
  let last = 0;
  let behind = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  let done = false;
  // Everything that changes `last` runs one after another, in arrival order.
  let chain: Promise<void> = Promise.resolve();
  const serially = (work: () => Promise<void>) => {
    chain = chain.then(() => (done ? undefined : work())).catch((error: unknown) => {
      failure = error;
      wake?.();
    });
  };

  /** Takes one event in order; false when the queue is full (the rest comes from the log later). */
  const take = (event: DomainEvent): boolean => {
    if (accept(event)) {
      if (queue.length >= MAX_QUEUED) {
        behind = true;
        return false;
      }
      queue.push(event);
      wake?.();
    }
    last = event.sequence;
    return true;
  };

  const catchUp = async () => {
    for (;;) {
      const page = await eventsAfter(deps.db, customerId, last, PAGE);
      for (const event of page) if (!take(event)) return;
      if (page.length < PAGE) return;
    }
  };

  const unsubscribe = deps.events.subscribe(
    (event) => {
      // The bus passes only this customer's events; checked again, as nothing else may leak.
      if (event.customerId !== customerId) return;
      serially(async () => {
        if (event.sequence <= last) return;
        if (event.sequence === last + 1 && !behind) take(event);
        else if (!behind) await catchUp();
      });
    },
    () => serially(async () => (behind ? undefined : catchUp())),
    customerId,
  );
  // Queued after subscribing: any notification that arrives meanwhile is taken after this.
  serially(async () => {
    if (after === null) last = await lastSequence(deps.db, customerId);
    else {
      last = after;
      await catchUp();
    }
  });

  const finish = () => {
    done = true;
    unsubscribe();
    wake?.();
  };
  return {
    async next(): Promise<IteratorResult<T>> {
      while (!done && queue.length === 0 && failure === undefined) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (queue.length > 0) {
        const value = queue.shift()!;
        if (behind && queue.length < MAX_QUEUED / 2) {
          behind = false;
          serially(catchUp);
        }
        return { value, done: false };
      }
      if (failure !== undefined) {
        finish();
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows what the reader caught, as it was
        throw failure;
      }
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
