/**
 * The compiled executor (src/http/executor.ts, graphql-jit under Apollo) answers exactly as
 * graphql-js does: the same data and the same errors — message, path, and the code a client
 * gets — on the contract's queries, read by a customer with a transfer, and on the ones that fail.
 */
import { randomUUID } from 'node:crypto';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { execute, getOperationAST, parse, validate, type ExecutionResult, type GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { jitExecutor } from '../src/http/executor.js';
import { mapDomainError } from '../src/resolvers/errors.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { globalId } from './support/ids.js';
import { client, CREATE_TRANSFER, euroRecipient, quote, readyCustomer, TRANSFER, TRANSFER_FIELDS } from './support/journey.js';

let gateway: TestGateway;
let transferId: string;
let quoteId: string;
let recipientId: string;

beforeAll(async () => {
  gateway = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc' });
  await readyCustomer(gateway, 'cust-alice');
  const q = await quote(gateway, 'cust-alice', '100');
  quoteId = q.id;
  recipientId = await euroRecipient(gateway, 'cust-alice', q.id);
  for (let n = 0; n < 3; n++) {
    const created = await client(gateway, 'cust-alice')(CREATE_TRANSFER, { quoteId: (await quote(gateway, 'cust-alice', String(10 + n))).id, recipientId, key: randomUUID(), details: [{ key: 'reference', value: `rent ${n}` }] });
    transferId = created.data.createTransfer.transfer.id;
  }
}, 300_000);
afterAll(() => gateway?.stop());

/** What a client sees of an error: Apollo formats it from these, after the executor. */
function shape(result: ExecutionResult) {
  return {
    data: result.data,
    errors: result.errors?.map((e: GraphQLError) => ({
      message: e.message,
      path: e.path,
      locations: e.locations,
      code: mapDomainError(unwrapResolverError(e))?.extensions?.code ?? e.extensions?.code ?? null,
      json: e.toJSON(),
    })),
  };
}

async function both(customerId: string, query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  expect(validate(gateway.schema, document)).toEqual([]);
  const operation = getOperationAST(document)!;
  const jit = jitExecutor(gateway.schema);
  const context = () => gateway.createContext({ customerId }, randomUUID());
  const viaJit = await jit({ document, operation, operationName: null, request: { query, variables }, context: context() } as unknown as GatewayGraphQLRequestContext);
  const viaJs = await execute({ schema: gateway.schema, document, variableValues: variables, contextValue: context() });
  // Twice: the second run is the compiled query taken from the cache.
  const again = await jit({ document, operation, operationName: null, request: { query, variables }, context: context() } as unknown as GatewayGraphQLRequestContext);
  return { jit: shape(viaJit), js: shape(viaJs), again: shape(again) };
}

const PAGE = `query P($first: Int!, $after: String) { transfers(first: $first, after: $after) {
  edges { cursor node { ${TRANSFER_FIELDS} quote { id rate sourceAmount { amount currency } targetAmount { amount currency } } recipient { id accountHolderName accountSummary currency } } }
  pageInfo { hasNextPage endCursor } } }`;

describe('the compiled executor', () => {
  it("answers the contract's reads exactly as graphql-js does", async () => {
    const reads: [string, Record<string, unknown>][] = [
      [PAGE, { first: 2 }],
      [PAGE, { first: 20 }],
      [TRANSFER, { id: transferId }],
      [`query N($id: ID!) { node(id: $id) { __typename id ... on Transfer { status } ... on Quote { rate } ... on Recipient { accountHolderName } } }`, { id: transferId }],
      [`query N($id: ID!) { node(id: $id) { __typename id } }`, { id: quoteId }],
      [`query N($id: ID!) { node(id: $id) { __typename id } }`, { id: recipientId }],
      [`{ viewer { id bankAccounts { id currency } } onboardingStatus { id state profileId } profiles { id } }`, {}],
      [`{ recipients(first: 5) { edges { cursor node { id accountHolderName currency } } pageInfo { hasNextPage endCursor } } }`, {}],
      [`{ __typename transfers(first: 1) { edges { node { __typename id } } } }`, {}],
    ];
    for (const [query, variables] of reads) {
      const { jit, js, again } = await both('cust-alice', query, variables);
      expect(jit, query).toEqual(js);
      expect(again, query).toEqual(js);
      expect(js.errors, query).toBeUndefined();
    }
    // The second page follows the first one's cursor alike.
    const first = await both('cust-alice', PAGE, { first: 2 });
    const after = (first.js.data as any).transfers.pageInfo.endCursor;
    const second = await both('cust-alice', PAGE, { first: 2, after });
    expect(second.jit).toEqual(second.js);
  });

  it('fails exactly as graphql-js does: the same message, path and code', async () => {
    const failing: [string, string, Record<string, unknown>][] = [
      ['cust-alice', PAGE, { first: 1000 }],
      ['cust-alice', PAGE, { first: 2, after: 'not-a-cursor' }],
      ['cust-alice', `query T($id: ID!) { transfer(id: $id) { id } }`, { id: 'malformed' }],
      ['cust-bob', TRANSFER, { id: transferId }],
      ['cust-bob', `{ viewer { id } onboardingStatus { state } transfers(first: 1) { edges { node { id } } } }`, {}],
      ['cust-alice', `query N($id: ID!) { node(id: $id) { id } }`, { id: globalId('Transfer', randomUUID()) }],
    ];
    for (const [customerId, query, variables] of failing) {
      const { jit, js, again } = await both(customerId, query, variables);
      expect(jit, query).toEqual(js);
      expect(again, query).toEqual(js);
    }
    // At least the first two are refusals with a code a client can switch on.
    const refused = await both('cust-alice', PAGE, { first: 1000 });
    expect(refused.jit.errors?.[0].code).toBeTruthy();
  });

  it('leaves variables that do not coerce to graphql-js, so they stay BAD_USER_INPUT with HTTP 400', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${await gateway.token('cust-alice')}` },
      body: JSON.stringify({ query: PAGE, variables: { first: 'twenty' } }),
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('serves a cached transfer page over HTTP with one SQL statement and no Wise call', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await gateway.token('cust-alice')}`, 'x-gateway-cost': '1' },
      body: JSON.stringify({ query: PAGE, variables: { first: 20 } }),
    });
    const body = await response.json();
    expect(body.data.transfers.edges).toHaveLength(3);
    expect(body.extensions.cost.sqlStatements).toBeLessThanOrEqual(2);
    expect(body.extensions.cost.wiseCalls).toBe(0);
  });
});

describe('the compiled executor under Apollo', () => {
  it("keeps a resolver's error and its code through Apollo's formatting (graphql-jit's errors lack extensions)", async () => {
    const { body } = await gateway.graphql(PAGE, { customerId: 'cust-alice', variables: { first: 1000 } });
    const { js } = await both('cust-alice', PAGE, { first: 1000 });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0].message).toBe(js.errors![0].message);
    expect(body.errors![0].extensions?.code).toBe(js.errors![0].code);
    expect(body.errors![0].extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('the per-request context', () => {
  it('is copied by Apollo for each operation without forking an EntityManager or making DataLoaders; they are made on first use', () => {
    const fork = vi.spyOn(gateway.orm.em, 'fork');
    try {
      const context = gateway.createContext({ customerId: 'cust-alice' }, randomUUID());
      // What Apollo Server does with the context of every operation (ApolloServer.cloneObject).
      const copy = Object.assign(Object.create(Object.getPrototypeOf(context)), context);
      expect(fork).not.toHaveBeenCalled();
      expect(copy.viewer).toEqual({ customerId: 'cust-alice' });
      expect(copy.em).toBe(copy.em);
      expect(fork).toHaveBeenCalledTimes(1);
      expect(copy.loaders).toBe(copy.loaders);
    } finally {
      fork.mockRestore();
    }
  });
});
