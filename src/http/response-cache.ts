/**
 * Answers to the hottest reads kept in memory, and served again only while they are exactly
 * current: each customer has a version in the database that every write to what these answers
 * show moves, in the same commit (triggers: migrations/…_read_versions.ts). A cached answer is
 * served after one indexed read of that version finds it unchanged — so a transfer moved by a
 * webhook on any replica, by a job or by hand is seen on the very next read, which a time-based
 * response cache cannot promise. Measured in bench/ (README): building a transfer page (its
 * joined rows, amounts, the compiled query's objects) was most of a cached page's CPU.
 *
 * Why it is correct: an answer is stored under a version read no later than its rows — in the
 * page's own statement (the resolver reports it, `ctx.freshness.readAt`), or by the check that
 * found a stale copy — so it holds everything committed up to that version (and perhaps more);
 * it is served only while the version is still that, i.e. while nothing it shows has been
 * committed since. A first read therefore costs no extra statement, a repeat one (the check),
 * and an answer any part of which was read without a version (an empty page) is never kept.
 *
 * What may be cached is a catalogue (CACHEABLE_FIELDS): root fields whose answer is a function
 * of the customer's rows in those tables, the arguments, and time only where the resolver says
 * so (`ctx.freshness`, e.g. a pending quote's expiry). Anything else — mutations, fields that
 * read Wise or other tables, a request with errors, the cache-bypass header — is never stored.
 * Answers are per customer (the key holds the customer of the verified token), and the token is
 * checked on every request before this, as always.
 */
import type { ApolloServerPlugin, GraphQLRequestContextResponseForOperation } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { Kind, OperationTypeNode, type OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { countAnswerFromMemory } from '../observability.js';
import type { GatewayContext } from '../resolvers/context.js';

/**
 * Root query fields whose answers may be kept, and why each is safe: it reads only the
 * customer's rows of the tables the version triggers watch (transfer, quote, recipient,
 * transfer_event). A field added here must read nothing else — no Wise, no other table.
 */
export const CACHEABLE_FIELDS: ReadonlySet<string> = new Set([
  // The transfer page: transfers joined with their quotes and recipients, histories from
  // transfer_event; a pending quote's expiry is noted through ctx.freshness.
  'transfers',
]);

type Entry = { version: string; until: number; data: Record<string, unknown>; bytes: number };

export type ResponseCacheOptions = {
  /** Memory for answers across all customers, in bytes (least recently used go first). */
  maxBytes: number;
  /** The customer's current version (one SQL statement). */
  versionOf: (customerId: string) => Promise<string>;
  /** Counts hits, misses and stale entries, when metrics are on. */
  count?: (outcome: 'hit' | 'miss' | 'stale') => void;
};

/** Whether every root field of the operation is in the catalogue (and it is a query). */
export function cacheable(operation: OperationDefinitionNode): boolean {
  if (operation.operation !== OperationTypeNode.QUERY) return false;
  return operation.selectionSet.selections.every(
    (s) => s.kind === Kind.FIELD && !s.directives?.length && (s.name.value === '__typename' || CACHEABLE_FIELDS.has(s.name.value)),
  );
}

function keyOf(rc: GraphQLRequestContextResponseForOperation<GatewayContext>): string {
  return `${rc.contextValue.viewer.customerId}\n${rc.queryHash ?? rc.source}\n${rc.operationName ?? ''}\n${JSON.stringify(rc.request.variables ?? {})}`;
}

export function responseCache(options: ResponseCacheOptions): ApolloServerPlugin<GatewayContext> {
  const answers = new LRUCache<string, Entry>({
    maxSize: options.maxBytes,
    // One page is a few kilobytes; an answer of a tenth of the whole cache is not worth keeping.
    maxEntrySize: Math.max(1, Math.floor(options.maxBytes / 10)),
    sizeCalculation: (entry, key) => entry.bytes + key.length,
  });
  const count = options.count ?? (() => undefined);

  return {
    async requestDidStart() {
      let fill: { key: string; version?: string } | undefined;
      return {
        async responseForOperation(rc) {
          if (rc.contextValue.bypassCache || !cacheable(rc.operation)) return null;
          const key = keyOf(rc);
          const entry = answers.get(key);
          if (!entry) {
            count('miss');
            fill = { key };
            return null;
          }
          // Read with the request's rate-limit counters when they ran; otherwise read now.
          const version = rc.contextValue.readVersionAtAdmission ?? (await options.versionOf(rc.contextValue.viewer.customerId));
          if (entry.version === version && entry.until > Date.now()) {
            count('hit');
            countAnswerFromMemory();
            // A copy: plugins after this one add extensions to the result they send.
            return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data: entry.data } } };
          }
          count('stale');
          fill = { key, version };
          return null;
        },
        async willSendResponse({ response, contextValue }) {
          if (!fill || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (errors?.length || !data) return;
          const { until, version: readAt, unversioned } = contextValue.freshness;
          if (unversioned) return;
          // A stale copy's check (at admission or here) read the version before any row, so it
          // is never the newer one.
          const version = fill.version ?? readAt;
          if (version === undefined || until <= Date.now()) return;
          // A request that overlapped this one may have kept a newer answer meanwhile: an older
          // one in its place would be stale at once (never wrong, but never served either).
          const kept = answers.peek(fill.key);
          if (kept && BigInt(kept.version) > BigInt(version)) return;
          answers.set(fill.key, { version, until, data, bytes: JSON.stringify(data).length });
        },
      };
    },
  };
}
