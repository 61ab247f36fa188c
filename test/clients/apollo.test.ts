/**
 * Apollo Client 4 as a bank frontend sets it up: an HTTP link and a graphql-ws link, an
 * InMemoryCache with relayStylePagination for the history. No keyFields, no possibleTypes, no
 * refetchQueries: the contract's ids do the rest.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition, relayStylePagination } from '@apollo/client/utilities';
import { OperationTypeNode, parse, type OperationDefinitionNode } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, it } from 'vitest';
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

describe('Apollo Client', () => {
  it('runs the journey with its cache updated by mutation results and pushes, never refetching', async () => {
    const token = await gateway.token('cust-alice');
    const requests: ClientUnderTest['requests'] = [];
    const ws = createClient({ url: `${gateway.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${token}` } });
    closers.push(() => ws.dispose());
    const link = ApolloLink.split(
      ({ query }) => (getMainDefinition(query) as OperationDefinitionNode).operation === OperationTypeNode.SUBSCRIPTION,
      new GraphQLWsLink(ws),
      new HttpLink({ uri: `${gateway.url}/graphql`, headers: { authorization: `Bearer ${token}` }, fetch: recordingFetch(requests) }),
    );
    const apollo = new ApolloClient({ link, cache: new InMemoryCache({ typePolicies: { Query: { fields: { transfers: relayStylePagination(['status', 'createdAfter', 'createdBefore']) } } } }) });
    closers.push(() => apollo.stop());

    const documents = Object.fromEntries(Object.entries(OPERATIONS).map(([name, text]) => [name, parse(text)]));
    let history: ReturnType<typeof apollo.watchQuery> | undefined;
    await runJourney(gateway, {
      requests,
      watch(operation, variables) {
        const observable = apollo.watchQuery({ query: documents[operation], variables });
        if (operation === 'History') history = observable;
        let latest: unknown;
        const subscription = observable.subscribe({ next: (result) => (latest = result.data) });
        closers.push(() => subscription.unsubscribe());
        return { latest: () => latest };
      },
      async query(operation, variables) {
        return (await apollo.query({ query: documents[operation], variables })).data;
      },
      async mutate(operation, variables) {
        return (await apollo.mutate({ mutation: documents[operation], variables })).data;
      },
      subscribe(operation, variables) {
        const received: unknown[] = [];
        const subscription = apollo.subscribe({ query: documents[operation], variables }).subscribe({ next: (result) => received.push(result.data) });
        closers.push(() => subscription.unsubscribe());
        return { received };
      },
      async nextPage(after) {
        await history!.fetchMore({ variables: { after } });
      },
    });
  }, 600_000);
});
