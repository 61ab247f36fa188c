/**
 * What a piece of work carries without anyone passing it along — the request's log fields, its
 * cost counter and Wise budget, the transfer locks it holds, its trace context — kept in one
 * AsyncLocalStorage, each in a slot of its own.
 *
 * Why one: Node 20 copies the store of every AsyncLocalStorage ever entered onto every promise
 * and callback the process creates afterwards, one property per storage. Six storages (the
 * gateway's four, MikroORM's two) made six properties on each of the hundreds of promises a
 * GraphQL request makes; the first traced request entered OpenTelemetry's, a seventh, and every
 * request after it — traced or not — ran measurably slower (bench/README.md, "One scope").
 *
 * A slot reads like an AsyncLocalStorage (`getStore`, `run`), so its users need not know.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The slots a frame has room for; every frame is an array this long, so all have one shape.
 * The gateway takes five; the rest are spare (a test's own, say).
 */
const SLOT_COUNT = 8;
type Frame = unknown[];

const storage = new AsyncLocalStorage<Frame>();
const EMPTY: Frame = new Array<unknown>(SLOT_COUNT).fill(undefined);
let slotsTaken = 0;

export class ScopeSlot<T> {
  private readonly index: number;

  /** One per kind of thing carried, made at module load (at most SLOT_COUNT of them). */
  constructor(readonly name: string) {
    if (slotsTaken >= SLOT_COUNT) throw new Error(`async scope: no slot left for ${name}; raise SLOT_COUNT`);
    this.index = slotsTaken++;
  }

  /** The value for the current work (undefined outside any that set it). */
  getStore(): T | undefined {
    return storage.getStore()?.[this.index] as T | undefined;
  }

  /** Runs `fn` (and everything it starts) with this slot set to `value`, the others as they are. */
  run<R>(value: T, fn: () => R): R;
  run<A extends unknown[], R>(value: T, fn: (...args: A) => R, ...args: A): R;
  run<A extends unknown[], R>(value: T, fn: (...args: A) => R, ...args: A): R {
    const frame = storage.getStore() ?? EMPTY;
    if (frame[this.index] === value) return fn(...args);
    return storage.run(this.framed(frame, value), fn, ...args);
  }

  /**
   * Sets the slot for the rest of the current synchronous run and what it starts, like
   * AsyncLocalStorage.enterWith; the returned function puts this slot back as it was, and
   * leaves the others as they are by then.
   */
  enter(value: T): () => void {
    const previous = (storage.getStore() ?? EMPTY)[this.index] as T;
    storage.enterWith(this.framed(storage.getStore() ?? EMPTY, value));
    return () => storage.enterWith(this.framed(storage.getStore() ?? EMPTY, previous));
  }

  private framed(frame: Frame, value: T): Frame {
    const next = frame.slice();
    next[this.index] = value;
    return next;
  }
}
