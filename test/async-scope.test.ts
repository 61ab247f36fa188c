/**
 * What a request carries implicitly — log fields, cost, Wise budget, locks held, trace context —
 * rides in one AsyncLocalStorage. Node 20 puts one property per entered storage on every promise
 * made afterwards, so what this asserts is what a request pays: the promises made under all of
 * it carry one store, however many things are carried.
 */
import { describe, expect, it } from 'vitest';
import { context, ROOT_CONTEXT, createContextKey } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
import { ScopeSlot } from '../src/lib/async-scope.js';
import { logContext } from '../src/ops/log-context.js';
import { requestCost } from '../src/observability.js';
import { spendWiseCall, withWiseBudget } from '../src/wise/budget.js';
import { ScopedContextManager } from '../src/ops/tracing.js';

/** How many AsyncLocalStorage stores Node attached to a promise made here. */
function storesOnAPromise(): number {
  const promise = Promise.resolve();
  return Object.getOwnPropertySymbols(promise).filter((s) => s.description === 'kResourceStore').length;
}

const KEY = createContextKey('test key');

describe('the async scope', () => {
  it('carries the log context, the cost, the budget and the trace context in one store per promise', async () => {
    const manager = new ScopedContextManager();
    // Whatever this worker entered before (other tests' storages), measured under the scope itself.
    const baseline = logContext.run({ requestId: 'baseline' }, storesOnAPromise);
    const carried = await logContext.run({ requestId: 'r1', customerId: 'cust-alice' }, () =>
      requestCost.run({ sqlStatements: 0, wiseCalls: 0 }, () =>
        withWiseBudget(3, undefined, () =>
          manager.with(ROOT_CONTEXT.setValue(KEY, 'traced'), async () => {
            await spendWiseCall();
            await new Promise((r) => setTimeout(r, 1));
            return {
              stores: storesOnAPromise(),
              log: logContext.getStore()?.requestId,
              cost: requestCost.getStore()?.sqlStatements,
              trace: manager.active().getValue(KEY),
            };
          }),
        ),
      ),
    );
    expect(carried).toEqual({ stores: baseline, log: 'r1', cost: 0, trace: 'traced' });
  });

  it('gives each slot back as it was when a nested run ends, and keeps the others', () => {
    const slot = new ScopeSlot<string>('test slot');
    const seen = logContext.run({ requestId: 'outer' }, () => {
      const inner = slot.run('inner', () => [logContext.getStore()?.requestId, slot.getStore()]);
      return [...inner, slot.getStore(), logContext.getStore()?.requestId];
    });
    expect(seen).toEqual(['outer', 'inner', undefined, 'outer']);
  });

  it("is OpenTelemetry's context: active() inside with(), bound functions, attach and its undoing; emitters left as they are", () => {
    const manager = new ScopedContextManager();
    context.disable();
    context.setGlobalContextManager(manager);
    try {
      const traced = ROOT_CONTEXT.setValue(KEY, 'bound');
      const fn = context.bind(traced, () => context.active().getValue(KEY));
      expect(fn()).toBe('bound');
      // An emitter keeps its shape: binding it would put the SDK's own `on`, `addListener`… on
      // it, and a traced request's req and res would have a shape no other request's has.
      const emitter = new EventEmitter();
      const keys = Reflect.ownKeys(emitter);
      expect(context.bind(traced, emitter)).toBe(emitter);
      expect(Reflect.ownKeys(emitter)).toEqual(keys);
      // A log context entered inside a traced span keeps the span's context, and the reverse.
      expect(context.with(traced, () => logContext.run({ requestId: 'r' }, () => context.active().getValue(KEY)))).toBe('bound');
      const token = manager.attach(traced);
      expect(context.active().getValue(KEY)).toBe('bound');
      token.dispose();
      expect(context.active().getValue(KEY)).toBeUndefined();
      // Undoing an attach gives back the trace context only: a log context entered since stays.
      logContext.run({ requestId: 'outer' }, () => {
        const late = manager.attach(traced);
        logContext.run({ requestId: 'entered after' }, () => {
          late.dispose();
          expect([context.active().getValue(KEY), logContext.getStore()?.requestId]).toEqual([undefined, 'entered after']);
        });
      });
    } finally {
      context.disable();
    }
  });
});
