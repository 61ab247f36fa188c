/**
 * Who a piece of work is for, carried through AsyncLocalStorage from the moment a request
 * arrives: every log line written on its behalf (unexpected errors included) and every Wise call
 * it makes (`wise_call.request_id`) carry the same request id, customer and operation name,
 * without anyone passing them along.
 */
import { ScopeSlot } from '../lib/async-scope.js';

export type LogContext = { requestId: string; customerId?: string; operationName?: string };

export const logContext = new ScopeSlot<LogContext>('log context');

/** The fields every log line of the current request carries (none outside a request). */
export function logFields(): Partial<LogContext> {
  const context = logContext.getStore();
  if (!context) return {};
  const fields: Partial<LogContext> = { requestId: context.requestId };
  if (context.customerId) fields.customerId = context.customerId;
  if (context.operationName) fields.operationName = context.operationName;
  return fields;
}

export function currentRequestId(): string | null {
  return logContext.getStore()?.requestId ?? null;
}
