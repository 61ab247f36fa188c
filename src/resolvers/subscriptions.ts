import type { GatewayContext } from './context.js';
import { ErrorCode, gatewayError } from '../schema/errors.js';
import { customerEventStream } from '../services/event-stream.js';
import { resumePointPruned, type DomainEvent } from '../services/events.js';

/** `after` on a subscription: the last sequence the client received (null: from now on). */
export function parseAfterSequence(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) throw gatewayError(ErrorCode.BAD_USER_INPUT, 'after must be a sequence received from this subscription', { field: 'after' });
  return Number(value);
}

/**
 * The viewer's events resuming after `after` (from now on without it). A resume point whose
 * following events the log has pruned is refused — as this subscription's error, at subscribe
 * time — so the client reads the current state afresh rather than miss something silently.
 */
export async function viewerEvents<T extends DomainEvent>(ctx: GatewayContext, after: unknown, accept: (event: DomainEvent) => event is T): Promise<AsyncIterableIterator<T>> {
  const from = parseAfterSequence(after);
  if (from !== null && (await resumePointPruned(ctx.reads, ctx.viewer.customerId, from))) {
    throw gatewayError(ErrorCode.RESUME_POINT_EXPIRED, 'Events after this sequence are no longer kept: read the current state, then subscribe without after', { field: 'after' });
  }
  return customerEventStream({ events: ctx.services.events, db: ctx.reads }, ctx.viewer.customerId, from, accept);
}
