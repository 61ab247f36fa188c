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
import { execute, GraphQLError, isInterfaceType, isUnionType, OperationTypeNode, printSchema, type ExecutionResult, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Compiled = CompiledQuery | ExecutionResult;

/**
 * Compiled queries per document object: Apollo's document store hands back the same parsed
 * document for the same query text, so this lives exactly as long as that cache keeps the
 * document (an LRU) and needs no bound of its own.
 */
export function jitExecutor(schema: GraphQLSchema): GatewayExecutor {
  const compiled = new WeakMap<DocumentNode, Map<string | null, Compiled>>();
  const compiledFor = (document: DocumentNode, operationName: string | null): Compiled => {
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map()));
    let query = byName.get(operationName);
    if (!query) {
      query = compileQuery(schema, document, operationName ?? undefined);
      byName.set(operationName, query);
    }
    return query;
  };

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
    return result.errors ? { ...result, errors: result.errors.map(asGraphqlJsError) } : (result as Awaited<ReturnType<GatewayExecutor>>);
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
