/** Abuse limits: per document, per request, per customer and per client address. */
import type { SectionInput } from './variables.js';

/** Per-document limits, enforced by graphql-armor before a document runs. */
export type DocumentLimits = { maxDepth: number; maxAliases: number; maxTokens: number; maxCost: number; maxDirectives: number };

/** Abuse limits; 0 turns a rate limit off (for benchmarks, not for production). */
export type Limits = {
  document: DocumentLimits;
  /** Largest request body accepted on /graphql, in bytes. */
  bodyBytes: number;
  /** Calls to Wise one GraphQL request may make. */
  wiseCallsPerRequest: number;
  /** Calls to Wise made for one customer per minute, across replicas. */
  wiseCallsPerCustomerPerMinute: number;
  /** GraphQL requests per customer, and per client address, per minute, across replicas. */
  requestsPerCustomerPerMinute: number;
  requestsPerAddressPerMinute: number;
  /** Open WebSockets per customer (per replica), and subscriptions on one of them. */
  webSocketsPerCustomer: number;
  subscriptionsPerWebSocket: number;
};

export function limitsConfig({ v }: SectionInput): Limits {
  return {
    document: {
      maxDepth: v.GRAPHQL_MAX_DEPTH ?? 12,
      maxAliases: v.GRAPHQL_MAX_ALIASES ?? 15,
      maxTokens: v.GRAPHQL_MAX_TOKENS ?? 2000,
      maxCost: v.GRAPHQL_MAX_COST ?? 5000,
      maxDirectives: v.GRAPHQL_MAX_DIRECTIVES ?? 20,
    },
    bodyBytes: v.HTTP_BODY_LIMIT_BYTES ?? 100 * 1024,
    wiseCallsPerRequest: v.WISE_CALLS_PER_REQUEST ?? 20,
    wiseCallsPerCustomerPerMinute: v.WISE_CALLS_PER_CUSTOMER_PER_MINUTE ?? 120,
    requestsPerCustomerPerMinute: v.RATE_LIMIT_PER_CUSTOMER_PER_MINUTE ?? 600,
    requestsPerAddressPerMinute: v.RATE_LIMIT_PER_ADDRESS_PER_MINUTE ?? 3000,
    webSocketsPerCustomer: v.WS_CONNECTIONS_PER_CUSTOMER ?? 5,
    subscriptionsPerWebSocket: v.WS_SUBSCRIPTIONS_PER_CONNECTION ?? 20,
  };
}
