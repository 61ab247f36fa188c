import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The `state` of one authorization request, bound to the customer who asked for it. Only its
 * hash is stored (the value travels through the browser); single use, short-lived.
 */
@Entity({ tableName: 'oauth_state' })
export class OAuthState {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'text' })
  stateHash!: string;

  @Property({ type: 'text' })
  customerId!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt: Date | null = null;
}
