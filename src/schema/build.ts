import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { MoneyResolver } from '../resolvers/money.resolver.js';
import { OnboardingResolver } from '../resolvers/onboarding.resolver.js';
import { QuoteFieldsResolver } from '../resolvers/quote.resolver.js';
import { RolloutResolver } from '../resolvers/rollout.resolver.js';
import { TransfersResolver } from '../resolvers/transfers.resolver.js';
import { VerificationResolver } from '../resolvers/verification.resolver.js';
import { ViewerResolver } from '../resolvers/viewer.resolver.js';

export const resolvers = [ViewerResolver, OnboardingResolver, VerificationResolver, MoneyResolver, QuoteFieldsResolver, TransfersResolver, RolloutResolver] as const;

export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...resolvers],
    validate: false,
    emitSchemaFile: false,
    // Every subscription brings its own `subscribe` (src/services/event-stream.ts, fed by the
    // cross-replica event bus); type-graphql's topic PubSub is never used.
    pubSub: {
      publish() {
        throw new Error('topic-based PubSub is not used; publish domain events on the EventBus');
      },
      subscribe() {
        throw new Error('topic-based PubSub is not used; subscriptions define `subscribe`');
      },
    },
  });
}

/** The SDL written to schema.graphql, sorted so diffs show only real changes. */
export function printGatewaySchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
