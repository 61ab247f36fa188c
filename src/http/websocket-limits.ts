/**
 * Caps on GraphQL over WebSocket: open connections per bank customer (on this replica) and
 * subscriptions per connection, and the same document limits as HTTP (graphql-ws validates on
 * its own, so the rules are handed to it here). Wraps the graphql-ws server options so the
 * place that sets up graphql-ws adds the caps with one call and keeps its own hooks.
 */
import { GraphQLError, validate, type ValidationRule } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import { ErrorCode } from '../schema/errors.js';
import type { Viewer } from './auth.js';

/** Close code when a customer already has the most connections allowed (mirrors HTTP 429). */
export const WS_CLOSE_TOO_MANY_CONNECTIONS = 4429;

type Extra = { viewer?: Viewer; socket: { close(code: number, reason: string): void } };
type LimitsState = { counted?: string; subscriptions: Set<string> };

/** The accepted connections of this server, each with its live subscriptions (for metrics). */
export type LiveSockets = Set<{ subscriptions: Set<string> }>;

export function withWebSocketLimits<P extends Record<string, unknown>, E extends Extra>(
  options: ServerOptions<P, E>,
  limits: { connectionsPerCustomer: number; subscriptionsPerConnection: number; validationRules: ValidationRule[]; refuseDocument?: (query: string) => GraphQLError | undefined; live?: LiveSockets },
): ServerOptions<P, E> {
  const openByCustomer = new Map<string, number>();
  const state = new WeakMap<object, LimitsState>();
  const stateOf = (extra: object) => {
    let s = state.get(extra);
    if (!s) state.set(extra, (s = { subscriptions: new Set() }));
    return s;
  };
  return {
    ...options,
    validate: (schema, document) => validate(schema, document, limits.validationRules),
    onConnect: async (ctx) => {
      const accepted = options.onConnect ? await options.onConnect(ctx) : true;
      const customerId = ctx.extra.viewer?.customerId;
      if (accepted === false || !customerId) return accepted;
      const open = openByCustomer.get(customerId) ?? 0;
      if (open >= limits.connectionsPerCustomer) {
        ctx.extra.socket.close(WS_CLOSE_TOO_MANY_CONNECTIONS, `Too many connections: at most ${limits.connectionsPerCustomer} per customer`);
        return false;
      }
      openByCustomer.set(customerId, open + 1);
      stateOf(ctx.extra).counted = customerId;
      limits.live?.add(stateOf(ctx.extra));
      return accepted;
    },
    onSubscribe: async (ctx, id, payload) => {
      const refusal = limits.refuseDocument?.(payload.query);
      if (refusal) return [refusal];
      const subscriptions = stateOf(ctx.extra).subscriptions;
      if (!subscriptions.has(id) && subscriptions.size >= limits.subscriptionsPerConnection) {
        return [
          new GraphQLError(`Too many subscriptions on this connection (at most ${limits.subscriptionsPerConnection})`, {
            extensions: { code: ErrorCode.RATE_LIMITED, limit: 'subscriptionsPerConnection' },
          }),
        ];
      }
      subscriptions.add(id);
      return options.onSubscribe?.(ctx, id, payload);
    },
    onComplete: async (ctx, id, payload) => {
      stateOf(ctx.extra).subscriptions.delete(id);
      return options.onComplete?.(ctx, id, payload);
    },
    onError: async (ctx, id, payload, errors) => {
      stateOf(ctx.extra).subscriptions.delete(id);
      return options.onError?.(ctx, id, payload, errors);
    },
    onClose: async (ctx, code, reason) => {
      limits.live?.delete(stateOf(ctx.extra));
      const customerId = stateOf(ctx.extra).counted;
      if (customerId) {
        const left = (openByCustomer.get(customerId) ?? 1) - 1;
        if (left > 0) openByCustomer.set(customerId, left);
        else openByCustomer.delete(customerId);
      }
      return options.onClose?.(ctx, code, reason);
    },
  };
}
