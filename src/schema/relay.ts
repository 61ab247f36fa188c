import { Field, ID, InterfaceType, ObjectType } from 'type-graphql';
import { fromGlobalId } from './ids.js';

/** The id says what the object is. */
export const nodeTypeOf = (value: { id: string }) => fromGlobalId(value.id)?.type;

@InterfaceType('Node', {
  description: 'An object with a global id: refetch it with node(id:). Ids are opaque.',
  resolveType: nodeTypeOf,
})
export abstract class Node {
  @Field(() => ID, { description: 'Global, opaque, stable id.' })
  id!: string;
}

@ObjectType('PageInfo', { simpleResolvers: true, description: 'Relay cursor pagination: where this page sits in the list.' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'Pages are read forwards (first/after); true when `after` was given.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}
