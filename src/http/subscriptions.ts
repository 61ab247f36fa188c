/**
 * GraphQL subscriptions over WebSocket (graphql-ws): who may hold a socket, and for how long.
 *
 * - `connection_init` carries the bank token; a bad one closes the socket with 4401.
 * - The socket lives no longer than that token: at its `exp` the socket is closed with 4403,
 *   and so is every socket of a customer who unlinks their Wise account. A client renews by
 *   reconnecting with a fresh token and subscribing with `after:` set to the last sequence it
 *   received — it misses nothing (see README, "Live updates").
 * - A subscribe message whose document does not parse or validate gets an `error` message for
 *   that operation only; the socket and its other subscriptions carry on.
 */
import { randomUUID } from 'node:crypto';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import { decodeJwt } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger.js';
import type { EventBus } from '../services/events.js';
import { AuthenticationError, type Authenticator, type Viewer } from './auth.js';
import type { ContextFactory, GatewayContext } from '../resolvers/context.js';

/** Close code for a WebSocket whose connection_init carried no valid token (mirrors HTTP 401). */
export const WS_CLOSE_UNAUTHORIZED = 4401;
/** Close code once the socket may no longer be used: its token expired, or the customer unlinked (mirrors HTTP 403). */
export const WS_CLOSE_FORBIDDEN = 4403;

/** setTimeout's longest delay; a later expiry is checked again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

type Socket = Extra['socket'];
type ConnectionExtra = { viewer?: Viewer; requestId?: string; expiry?: NodeJS.Timeout };

export function subscriptionServerOptions(deps: {
  schema: GraphQLSchema;
  authenticate: Authenticator;
  createContext: ContextFactory;
  logger: Logger;
  events?: EventBus;
  /** graphql-js's own rules are always applied; these are the document limits on top. */
  validationRules?: readonly ValidationRule[];
}): ServerOptions<Record<string, unknown>, Extra & ConnectionExtra> & { dispose(): void } {
  const { schema, authenticate, createContext, logger } = deps;
  const socketsOf = new Map<string, Set<Socket>>();

  /**
   * Documents by query text, parsed and validated once (or their errors): an app's screens
   * subscribe with the same few texts on every socket, and one document object per text lets
   * the compiled executor (executor.ts) compile each once rather than once per subscription.
   * Bounded by the text it holds, not only by entries: comments cost no tokens, so a document
   * within the token limit can still be megabytes; a text over maxEntrySize is not kept at all.
   */
  const documents = new LRUCache<string, DocumentNode | readonly GraphQLError[]>({ max: 500, maxSize: 2 * 1024 * 1024, maxEntrySize: 16 * 1024, sizeCalculation: (_checked, query) => query.length });
  const parseAndValidate = (query: string): DocumentNode | readonly GraphQLError[] => {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return [error instanceof GraphQLError ? error : new GraphQLError('The document could not be parsed')];
    }
    const errors = validate(schema, document, deps.validationRules ?? specifiedRules);
    return errors.length > 0 ? errors : document;
  };

  const forget = (customerId: string, socket: Socket) => {
    const sockets = socketsOf.get(customerId);
    sockets?.delete(socket);
    if (sockets?.size === 0) socketsOf.delete(customerId);
  };

  const closeAtExpiry = (extra: ConnectionExtra & Extra, expiresAtMs: number) => {
    const left = expiresAtMs - Date.now();
    extra.expiry = setTimeout(
      () => {
        if (Date.now() < expiresAtMs) return closeAtExpiry(extra, expiresAtMs);
        logger.info({ requestId: extra.requestId, customerId: extra.viewer?.customerId }, 'websocket closed: the bank token expired');
        extra.socket.close(WS_CLOSE_FORBIDDEN, 'Forbidden: the bank token expired; reconnect with a fresh token and resume with after');
      },
      Math.max(0, Math.min(left, MAX_TIMER_MS)),
    );
    extra.expiry.unref();
  };

  // A customer who unlinks may not keep watching: their sockets close, on every replica.
  const unsubscribe = deps.events?.subscribe((event) => {
    if (event.type !== 'customer.unlinked') return;
    for (const socket of socketsOf.get(event.customerId) ?? []) socket.close(WS_CLOSE_FORBIDDEN, 'Forbidden: the customer unlinked their Wise account');
  });

  return {
    schema,
    onConnect: async (ctx) => {
      const requestId = randomUUID();
      const authorization = authorizationFromConnectionParams(ctx.connectionParams);
      try {
        const viewer = await authenticate(authorization);
        ctx.extra.viewer = viewer;
        ctx.extra.requestId = requestId;
        // The token was verified just now; its exp (required) says how long the socket may live.
        const exp = decodeJwt(authorization!.trim().replace(/^Bearer\s+/i, '')).exp!;
        closeAtExpiry(ctx.extra, exp * 1000);
        const socket = ctx.extra.socket;
        if (!socketsOf.has(viewer.customerId)) socketsOf.set(viewer.customerId, new Set());
        socketsOf.get(viewer.customerId)!.add(socket);
        socket.once('close', () => {
          clearTimeout(ctx.extra.expiry);
          forget(viewer.customerId, socket);
        });
        return true;
      } catch (error) {
        const message = error instanceof AuthenticationError ? error.message : 'Authentication failed';
        logger.info({ requestId, reason: message }, 'websocket connection refused');
        ctx.extra.socket.close(WS_CLOSE_UNAUTHORIZED, `Unauthorized: ${message}`.slice(0, 120));
        return false;
      }
    },
    // Parsed and validated here so that a bad document is this operation's error, not the
    // socket's: graphql-ws would otherwise close the connection with 4500 and log a stack trace.
    onSubscribe: (_ctx, _id, payload) => {
      const checked = documents.get(payload.query) ?? parseAndValidate(payload.query);
      documents.set(payload.query, checked);
      if (!('kind' in checked)) return [...checked];
      return { schema, document: checked, operationName: payload.operationName, variableValues: payload.variables };
    },
    context: (ctx): GatewayContext => createContext(ctx.extra.viewer!, ctx.extra.requestId ?? randomUUID()),
    dispose() {
      unsubscribe?.();
    },
  };
}

/** GraphiQL and most clients put the header in the payload; accept the common spellings. */
function authorizationFromConnectionParams(params: Record<string, unknown> | undefined): string | undefined {
  if (!params) return undefined;
  const headers = (params.headers ?? {}) as Record<string, unknown>;
  const value = params.Authorization ?? params.authorization ?? headers.Authorization ?? headers.authorization;
  return typeof value === 'string' ? value : undefined;
}
