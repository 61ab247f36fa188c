import { BigIntType, Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** The gateway's copy of a Wise recipient account. Never deleted: transfers refer to it. */
@Entity({ tableName: 'recipient' })
@Index({ properties: ['customerId', 'profileId', 'active'] })
export class Recipient {
  [OptionalProps]?: 'syncedAt' | 'createdAt';

  /** Wise's recipient (account) id. */
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: false })
  id!: number;

  @Property({ type: 'text' })
  customerId!: string;

  @Property({ type: new BigIntType('number') })
  profileId!: number;

  @Property({ type: 'text' })
  currency!: string;

  /** The form's type, snake_case as in account requirements (sort_code, iban…). */
  @Property({ type: 'text' })
  type!: string;

  @Property({ type: 'text' })
  accountHolderName!: string;

  @Property({ type: 'text' })
  legalEntityType!: string;

  @Property({ type: 'text', nullable: true })
  country: string | null = null;

  @Property({ type: 'text' })
  accountSummary!: string;

  @Property({ type: 'text' })
  longAccountSummary!: string;

  @Property({ type: 'boolean' })
  active!: boolean;

  @Property({ type: 'json' })
  details!: Record<string, unknown>;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  syncedAt: Date = new Date();
}
