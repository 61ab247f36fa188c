/**
 * Limits on a GraphQL document, checked before anything runs: depth, aliases, tokens, cost and
 * directives, by graphql-armor (maintained, made for Apollo Server 5 and graphql 16) rather
 * than hand-written validation rules. A refused document gets extensions.code
 * QUERY_TOO_COMPLEX and never reaches a resolver — so never Wise. The same rules guard
 * operations sent over the WebSocket (see websocket-limits.ts).
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, NoSchemaIntrospectionCustomRule, parse, specifiedRules, type ValidationContext, type ValidationRule } from 'graphql';
import type { DocumentLimits } from '../config.js';
import { ErrorCode } from '../schema/errors.js';

/** graphql-js's words for its token limit (16.x spells it "more that"). */
const TOO_MANY_TOKENS = /Document contains more th(?:an|at) \d+ tokens/;

type Reject = (ctx: ValidationContext | null, error: GraphQLError) => void;

function rejectAs(limit: string): Reject {
  // graphql-armor words every refusal as a syntax error; it is not one.
  return (ctx, error) => ctx?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit } }));
}

export type DocumentGuards = {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  /** graphql-js stops parsing a document of more tokens than this. */
  parseOptions: { maxTokens: number };
};

/**
 * `introspection` off also hides field names: no introspection answers, and no "Did you mean …"
 * suggestions in validation errors.
 */
export function documentGuards(limits: DocumentLimits, options: { introspection: boolean }): DocumentGuards {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, propagateOnRejection: false, onReject: [rejectAs('maxDepth')] },
    maxAliases: { n: limits.maxAliases, propagateOnRejection: false, onReject: [rejectAs('maxAliases')] },
    maxDirectives: { n: limits.maxDirectives, propagateOnRejection: false, onReject: [rejectAs('maxDirectives')] },
    costLimit: { maxCost: limits.maxCost, propagateOnRejection: false, onReject: [rejectAs('maxCost')] },
    // Tokens are counted by graphql-js's own parser instead (parseOptions below): armor's
    // token plugin throws from an Apollo hook, which Apollo answers as a 500.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: !options.introspection },
  });
  const { plugins, validationRules } = armor.protect();
  return {
    plugins: plugins as ApolloServerPlugin[],
    validationRules: [...(validationRules), ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule])],
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

/**
 * Apollo words refusals by validation rules GRAPHQL_VALIDATION_FAILED and by the parser
 * GRAPHQL_PARSE_FAILED; a limit's refusal keeps the one code a client can switch on.
 */
export function limitRefusalCode(extensions: Record<string, unknown> | undefined, message: string): Record<string, unknown> | undefined {
  if (extensions?.limit && extensions.code === 'GRAPHQL_VALIDATION_FAILED') return { ...extensions, code: ErrorCode.QUERY_TOO_COMPLEX };
  if (extensions?.code === 'GRAPHQL_PARSE_FAILED' && TOO_MANY_TOKENS.test(message)) {
    return { ...extensions, code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'maxTokens' };
  }
  return undefined;
}

/** The token limit for a transport that parses on its own (graphql-ws): a refusal, or undefined. */
export function tokenLimitRefusal(query: string, guards: DocumentGuards): GraphQLError | undefined {
  try {
    parse(query, guards.parseOptions);
    return undefined;
  } catch (error) {
    if (!(error instanceof GraphQLError) || !TOO_MANY_TOKENS.test(error.message)) return undefined;
    return new GraphQLError(error.message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'maxTokens' } });
  }
}

/** All the rules for a transport that validates on its own (graphql-ws). */
export function allValidationRules(guards: DocumentGuards): ValidationRule[] {
  return [...specifiedRules, ...guards.validationRules];
}
