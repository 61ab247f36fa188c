import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { OnboardingResolver } from '../resolvers/onboarding.resolver.js';
import { ViewerResolver } from '../resolvers/viewer.resolver.js';

export const resolvers = [ViewerResolver, OnboardingResolver] as const;

export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...resolvers],
    validate: false,
    emitSchemaFile: false,
  });
}

/** The SDL written to schema.graphql, sorted so diffs show only real changes. */
export function printGatewaySchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
