/**
 * The executor under Apollo Server: queries run as JavaScript compiled from their document by
 * graphql-jit, once per document, instead of graphql-js walking the document for every request.
 * Measured in bench/ (README): graphql-js's execution of a transfer page's ~1,000 small fields
 * was the largest share of a cached page's CPU after the SQL read.
 *
 * Apollo Server keeps one interface for swapping the executor: its `gateway` option (meant for
 * Apollo Federation) hands every parsed, validated request to `executor`. Everything before
 * execution stays Apollo's — parsing, its document cache, validation with the abuse limits,
 * plugins, error formatting — so answers and errors keep their shape.
 *
 * What stays on graphql-js: mutations (their time is Wise's; graphql-js runs them field after
 * field by the spec's own code) and any request whose variables do not coerce (graphql-js words
 * that error as Apollo expects: BAD_USER_INPUT, HTTP 400). Subscriptions never come here
 * (graphql-ws runs them).
 */
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { createSourceEventStream, execute, GraphQLError, isInterfaceType, isUnionType, OperationTypeNode, printSchema, subscribe, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Compiled = CompiledQuery | ExecutionResult;

/**
 * Compiled queries per document object: Apollo's document store (and graphql-ws's onSubscribe,
 * for one subscription's life) hands back the same parsed document for the same query text, so
 * this lives exactly as long as that keeps the document and needs no bound of its own.
 */
function compiledQueries(schema: GraphQLSchema): (document: DocumentNode, operationName: string | null) => Compiled {
  const compiled = new WeakMap<DocumentNode, Map<string | null, Compiled>>();
  return (document, operationName) => {
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map()));
    let query = byName.get(operationName);
    if (!query) {
      query = compileQuery(schema, document, operationName ?? undefined);
      byName.set(operationName, query);
    }
    return query;
  };
}

export function jitExecutor(schema: GraphQLSchema): GatewayExecutor {
  const compiledFor = compiledQueries(schema);

  return async (requestContext) => {
    const { document, operation, operationName, context } = requestContext;
    const variables = requestContext.request.variables ?? {};
    const fallback = () => execute({ schema, document, contextValue: context, variableValues: variables, operationName });
    if (operation.operation !== OperationTypeNode.QUERY) return fallback();
    if (operation.variableDefinitions?.length) {
      const coerced = getVariableValues(schema, operation.variableDefinitions, variables);
      if (coerced.errors) return fallback();
    }
    const query = compiledFor(document, operationName);
    if (!isCompiledQuery(query as CompiledQuery)) return fallback();
    const result = await (query as CompiledQuery).query(undefined, context, variables);
    return withGraphqlJsErrors(result) as Awaited<ReturnType<GatewayExecutor>>;
  };
}

/**
 * graphql-jit's errors are GraphQLErrors by prototype only: without `extensions` when the
 * resolver's error had none, where graphql-js always gives `{}` — and Apollo reads
 * `extensions.code` of every error (it answered such an error as an internal one). Remade as
 * graphql-js makes them: same message, path, locations, original error and extensions.
 */
function asGraphqlJsError(error: GraphQLError): GraphQLError {
  const remade = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined, extensions: error.extensions ?? undefined });
  (remade as { locations: GraphQLError['locations'] }).locations = error.locations;
  return remade;
}

/**
 * graphql-jit takes an abstract type's `resolveType` answer as it comes: a promise of a type name
 * (type-graphql wraps a declared `resolveType` in an async function) is no type at all, and the
 * field fails at run time. Refused here, at start-up, instead.
 */
export function assertSynchronousTypeResolvers(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if ((isInterfaceType(type) || isUnionType(type)) && type.resolveType?.constructor.name === 'AsyncFunction') {
      throw new Error(`${type.name}.resolveType is async; the compiled executor needs the type name at once (see buildGatewaySchema)`);
    }
  }
}

/**
 * `subscribe` for graphql-ws: each event's payload executed by the compiled query (once per
 * document) — graphql-js walked the selection again for every event and every subscriber, about
 * a fifth of the gateway's CPU with 10,000 subscriptions (bench/README.md).
 *
 * The event stream itself is still made by graphql-js (`createSourceEventStream`): graphql-jit
 * 0.8 hands a subscription field's `subscribe` the operation's variables as its arguments, so
 * an argument written in the query (`after: "41"`) or under a variable of another name was lost
 * (test/live-state.test.ts, "reads its arguments however the client writes them"). graphql-js
 * also words a refused subscription (`RESUME_POINT_EXPIRED`, a bad `after`, variables that do
 * not coerce) as before. What graphql-jit would not compile goes to graphql-js's subscribe.
 */
export function jitSubscribe(schema: GraphQLSchema): (args: ExecutionArgs) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const compiledFor = compiledQueries(schema);
  return async (args) => {
    const query = compiledFor(args.document, args.operationName ?? null);
    if (!isCompiledQuery(query as CompiledQuery)) return subscribe(args);
    // Variables that do not coerce come back from here as graphql-js words them.
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream;
    // As graphql-js maps an event: the selection executed with the event as its root value.
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    return mapResults(stream as AsyncIterableIterator<unknown>, async (event) => withGraphqlJsErrors(await (query as CompiledQuery).query(event, args.contextValue, variables)));
  };
}

const withGraphqlJsErrors = (result: ExecutionResult): ExecutionResult => (result.errors ? { ...result, errors: result.errors.map(asGraphqlJsError) } : result);

/** An iterator of the source's events each mapped to a result; returning or throwing reaches the source. */
function mapResults(source: AsyncIterableIterator<unknown>, map: (event: unknown) => Promise<ExecutionResult>): AsyncIterableIterator<ExecutionResult> {
  return {
    async next() {
      const item = await source.next();
      return item.done ? { value: undefined, done: true } : { value: await map(item.value), done: false };
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    async throw(error?: unknown) {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** `gateway` for ApolloServer: the schema as it is, executed by `jitExecutor`. */
export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  assertSynchronousTypeResolvers(schema);
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async load() {
      return { executor: jitExecutor(schema) };
    },
    async stop() {},
  };
}
