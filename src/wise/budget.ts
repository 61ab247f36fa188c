/**
 * A budget of calls to Wise for the work done on behalf of one request. One GraphQL document
 * can ask the same Wise-backed field many times (aliases, or a mutation repeated in one
 * document); every such call spends the bank's one API rate limit at Wise, shared by all its
 * customers. The HTTP edge opens a budget per request (AsyncLocalStorage, like the request cost
 * in observability.ts, so no code passes it around); WiseHttp spends from it before each call.
 * Work outside a request (webhooks, sweeps, start-up) has no budget.
 */
import { ScopeSlot } from '../lib/async-scope.js';
import { GatewayError } from '../domain/errors.js';

export type WiseBudget = {
  /** Calls still allowed for this request. */
  remaining: number;
  readonly perRequest: number;
  /** Spends one call of the customer's per-minute allowance; rejects with WISE_BUDGET_EXCEEDED. */
  spendForCustomer?: () => Promise<void>;
};

/** WISE_BUDGET_EXCEEDED: this request's budget of Wise calls ran out, or the customer's for the current minute. */
export function wiseBudgetExceeded(scope: 'request' | 'customer', limit: number, retryAfterSeconds: number | null): GatewayError {
  const message =
    scope === 'request'
      ? `This request needs more than ${limit} calls to Wise; ask for fewer things at once.`
      : `Too many calls to Wise for this customer (at most ${limit} a minute); try again in ${retryAfterSeconds ?? 60} s.`;
  return new GatewayError('WISE_BUDGET_EXCEEDED', message, { limit: scope === 'request' ? 'wiseCallsPerRequest' : 'wiseCallsPerCustomer', retryAfterSeconds });
}

const budgets = new ScopeSlot<WiseBudget>('Wise budget');

/** Runs `work` (and everything it starts) with a fresh budget. */
export function withWiseBudget<T>(perRequest: number, spendForCustomer: WiseBudget['spendForCustomer'], work: () => T): T {
  return budgets.run({ remaining: perRequest, perRequest, spendForCustomer }, work);
}

/** Called before each call to Wise: throws when the request's or the customer's budget is spent. */
export async function spendWiseCall(): Promise<void> {
  const budget = budgets.getStore();
  if (!budget) return;
  if (budget.remaining <= 0) throw wiseBudgetExceeded('request', budget.perRequest, null);
  budget.remaining -= 1;
  await budget.spendForCustomer?.();
}
