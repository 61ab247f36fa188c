/** The browser-facing edge: CORS, proxies, GraphiQL, introspection, the executor, the web app. */
import type { SectionInput } from './variables.js';

export type HttpConfig = {
  /** Origins whose web apps may call /graphql from a browser (CORS); none by default. */
  corsOrigins: string[];
  /** Proxies in front of the gateway whose X-Forwarded-For is believed (client address for rate limits). */
  trustProxyHops: number;
  /** Serve /graphiql; off in production unless asked for. */
  graphiql: boolean;
  /** Answer introspection queries and suggest field names; off in production unless asked for. */
  introspection: boolean;
  /** Who executes queries under Apollo: graphql-jit (compiled, the default) or graphql-js. */
  executor: 'jit' | 'graphql-js';
  /** Memory for answers kept per customer and served while current (http/response-cache.ts); 0: none. */
  responseCacheBytes: number;
  /** Serve the reference bank web app (web/dist) at /app; off in production unless asked for. */
  webApp: boolean;
};

export function httpConfig({ v, production }: SectionInput): HttpConfig {
  return {
    corsOrigins: v.CORS_ORIGINS ?? [],
    trustProxyHops: v.TRUST_PROXY_HOPS ?? 0,
    graphiql: v.GRAPHIQL_ENABLED ?? !production,
    introspection: v.INTROSPECTION_ENABLED ?? !production,
    executor: v.GRAPHQL_EXECUTOR ?? 'jit',
    responseCacheBytes: v.RESPONSE_CACHE_MAX_BYTES ?? 64 * 1024 * 1024,
    webApp: v.WEB_APP_ENABLED ?? !production,
  };
}
