/**
 * urql with Graphcache, default options: queries go as GET (urql's default), the normalised
 * cache keys every object by its `id`, subscriptions over graphql-ws. No keys, no resolvers, no
 * updaters: mutation results and pushes update what is on screen by themselves.
 */
import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { recordingFetch, runJourney, type ClientUnderTest } from './journey.js';
import { OPERATIONS } from './operations.js';

let gateway: TestGateway;
const closers: (() => unknown)[] = [];
beforeAll(async () => {
  gateway = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc' });
});
afterAll(async () => {
  for (const close of closers) await close();
  await gateway?.stop();
});

describe('urql with Graphcache', () => {
  it('runs the journey with GET queries, its cache updated by mutation results and pushes, never refetching', async () => {
    const token = await gateway.token('cust-alice');
    // Graphcache warns about every object it cannot key: none of them may be one a screen shows.
    const warnings: string[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.map(String).join(' ')));
    closers.push(() => warn.mockRestore());
    const requests: ClientUnderTest['requests'] = [];
    const ws = createClient({ url: `${gateway.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${token}` } });
    closers.push(() => ws.dispose());
    const urql = new Client({
      url: `${gateway.url}/graphql`,
      fetch: recordingFetch(requests),
      fetchOptions: { headers: { authorization: `Bearer ${token}` } },
      exchanges: [
        cacheExchange(),
        fetchExchange,
        subscriptionExchange({
          forwardSubscription: (request) => ({
            subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
          }),
        }),
      ],
    });

    // Default Graphcache keeps each page as its own result; the history screen shows them in order.
    const historyPages: { latest(): { transfers: { edges: unknown[]; pageInfo: unknown } } | undefined }[] = [];
    const watch = (operation: keyof typeof OPERATIONS, variables?: Record<string, unknown>) => {
      let latest: unknown;
      const { unsubscribe } = urql.query(OPERATIONS[operation], variables ?? {}).subscribe((result) => {
        if (result.error) throw result.error;
        latest = result.data;
      });
      closers.push(unsubscribe);
      return { latest: () => latest as never };
    };
    await runJourney(gateway, {
      requests,
      watch(operation, variables) {
        if (operation !== 'History') return watch(operation, variables);
        historyPages.push(watch(operation, variables));
        return {
          latest() {
            const pages = historyPages.map((p) => p.latest());
            if (pages.some((p) => !p)) return undefined;
            return { transfers: { edges: pages.flatMap((p) => p!.transfers.edges), pageInfo: pages.at(-1)!.transfers.pageInfo } };
          },
        };
      },
      async query(operation, variables) {
        const result = await urql.query(OPERATIONS[operation], variables ?? {}).toPromise();
        if (result.error) throw result.error;
        return result.data;
      },
      async mutate(operation, variables) {
        const result = await urql.mutation(OPERATIONS[operation], variables ?? {}).toPromise();
        if (result.error) throw result.error;
        return result.data;
      },
      subscribe(operation, variables) {
        const received: unknown[] = [];
        const { unsubscribe } = urql.subscription(OPERATIONS[operation], variables ?? {}).subscribe((result) => received.push(result.data));
        closers.push(unsubscribe);
        return { received };
      },
      async nextPage(after) {
        historyPages.push(watch('History', { first: 1, after }));
      },
    });
    const unkeyed = new Set(warnings.flatMap((w) => [...w.matchAll(/`keys` config for `(\w+)`/g)].map((m) => m[1])));
    const cacheable = ['Customer', 'BankAccount', 'OnboardingStatus', 'WiseProfile', 'Verification', 'Quote', 'Recipient', 'Transfer'];
    expect([...unkeyed].filter((type) => cacheable.includes(type))).toEqual([]);
    // urql's default: queries as GET, mutations as POST — both answered.
    expect(requests.filter((r) => r.operationName === 'OnboardingStatus').map((r) => r.method)).toEqual(['GET']);
    expect(requests.filter((r) => r.operationName === 'CreateTransfer').every((r) => r.method === 'POST')).toBe(true);
  }, 600_000);
});
