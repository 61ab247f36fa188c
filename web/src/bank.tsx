/**
 * The app's connection to the gateway: Apollo Client for queries and mutations over HTTP, and
 * one graphql-ws client for the live subscriptions, both carrying the bank token.
 */
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { addTypenameToDocument, relayStylePagination } from '@apollo/client/utilities';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { createContext, useContext, useEffect, useRef, useState } from 'react';
import { OnboardingStatusDocument } from './graphql/generated';
import type { Session } from './session';

export type Bank = { apollo: ApolloClient; ws: WsClient; session: Session; signOut(): void };

export function connectBank(session: Session, onUnauthorized: () => void): Omit<Bank, 'signOut'> {
  const authorization = `Bearer ${session.token}`;
  const ws = createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: { Authorization: authorization },
    // A bank app on a phone loses its connection all the time: always come back.
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 8000) + Math.random() * 300)),
    on: {
      closed: (event) => {
        // 4401: the token was refused; 4403: it expired. Sign in again.
        const code = (event as CloseEvent | undefined)?.code;
        if (code === 4401 || code === 4403) onUnauthorized();
      },
    },
  });
  const apollo = new ApolloClient({
    link: new HttpLink({
      uri: '/graphql',
      headers: { authorization },
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (response.status === 401) onUnauthorized();
        return response;
      },
    }),
    cache: new InMemoryCache({
      typePolicies: {
        Query: {
          fields: {
            transfers: relayStylePagination(['status', 'createdAfter', 'createdBefore']),
            recipients: relayStylePagination(['currency']),
          },
        },
      },
    }),
  });
  return { apollo, ws, session };
}

export const BankContext = createContext<Bank | null>(null);

/**
 * Reads the onboarding status again (from the gateway's copy). The answer lands on the one
 * OnboardingStatus object in the cache, so every query showing it updates in place — no
 * screen goes back to "loading" and nothing mounted is thrown away.
 */
export function reloadOnboardingStatus(apollo: ApolloClient): void {
  void apollo.query({ query: OnboardingStatusDocument, variables: { refresh: false }, fetchPolicy: 'network-only' }).catch(() => undefined);
}

export function useBank(): Bank {
  const bank = useContext(BankContext);
  if (!bank) throw new Error('useBank outside <BankContext>');
  return bank;
}

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/** Whether the live connection is up, for the "Live" badge. */
export function useLiveState(): LiveState {
  const { ws } = useBank();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    const offs = [ws.on('connected', () => setState('live')), ws.on('closed', () => setState((s) => (s === 'live' ? 'reconnecting' : s)))];
    return () => offs.forEach((off) => off());
  }, [ws]);
  return state;
}

type WithAfter = { after?: string | null };

/**
 * A resumable subscription. The gateway numbers every event of the customer (`sequence`); after a
 * dropped connection graphql-ws reconnects and sends the subscribe message again, and that
 * message is built afresh each time with `after` = the last sequence this hook saw, so the
 * gateway sends what was missed first, then the live stream: no gap, nothing twice.
 * `onReconnect` runs after a reconnection (refetch what a query shows, for pushes older than
 * the first one this hook saw). Pushes are also written to the Apollo cache by the caller.
 */
export function useLive<TData, TVars extends WithAfter>(
  document: TypedDocumentNode<TData, TVars>,
  variables: Omit<TVars, 'after'>,
  handlers: { onData(data: TData): void; sequenceOf(data: TData): string | null | undefined; onReconnect?(): void; skip?: boolean },
): void {
  const { ws } = useBank();
  const latest = useRef(handlers);
  latest.current = handlers;
  const key = JSON.stringify(variables);
  // Where to resume: kept across resubscriptions of the same stream, forgotten for another one.
  const resume = useRef({ key, after: null as string | null });
  if (resume.current.key !== key) resume.current = { key, after: null };
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (handlers.skip) return;
    const point = resume.current;
    const payload = {
      query: print(addTypenameToDocument(document)),
      // A getter: read each time graphql-ws (re)sends the subscribe message.
      get variables() {
        return { ...(JSON.parse(key) as object), after: point.after };
      },
    };
    const dispose = ws.subscribe<TData>(payload as never, {
      next: (result) => {
        if (!result.data) return;
        const sequence = latest.current.sequenceOf(result.data as TData);
        if (sequence) point.after = sequence;
        latest.current.onData(result.data as TData);
      },
      error: (error) => {
        // The gateway refused the resume point (RESUME_POINT_EXPIRED: the log no longer holds
        // it): read the current state and go on from now. Anything else (a closed socket
        // graphql-ws will not retry, a refusal): try again shortly from the same point.
        const codes = Array.isArray(error) ? error.map((e: { extensions?: { code?: string } }) => e.extensions?.code) : [];
        if (codes.includes('RESUME_POINT_EXPIRED')) point.after = null;
        latest.current.onReconnect?.();
        setTimeout(() => setGeneration((g) => g + 1), 2000);
      },
      complete: () => undefined,
    });
    const off = ws.on('connected', (_socket, _payload, wasRetry) => {
      if (wasRetry) latest.current.onReconnect?.();
    });
    return () => {
      off();
      dispose();
    };
  }, [ws, document, key, handlers.skip, generation]);
}
