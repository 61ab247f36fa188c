/**
 * What one request cost: SQL statements and Wise calls, counted through AsyncLocalStorage so
 * no code has to pass a counter around. Shown to callers who ask (X-Gateway-Cost: 1, outside
 * production) as `extensions.cost`, and used by the tests and benchmarks.
 */
import { ScopeSlot } from './lib/async-scope.js';

export type RequestCost = { sqlStatements: number; wiseCalls: number; answeredFromMemory?: boolean };

export const requestCost = new ScopeSlot<RequestCost>('request cost');

export function countSql(): void {
  const cost = requestCost.getStore();
  if (cost) cost.sqlStatements += 1;
}

/** The answer was a kept one (http/response-cache.ts): its rows were not read again. */
export function countAnswerFromMemory(): void {
  const cost = requestCost.getStore();
  if (cost) cost.answeredFromMemory = true;
}

export function countWiseCall(): void {
  const cost = requestCost.getStore();
  if (cost) cost.wiseCalls += 1;
}
