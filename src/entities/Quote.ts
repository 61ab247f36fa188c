import { BigIntType, Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

export type QuoteStatus = 'PENDING' | 'ACCEPTED' | 'FUNDED' | 'EXPIRED';

/** The gateway's copy of a Wise quote. Amounts are decimal strings (numeric in Postgres). */
@Entity({ tableName: 'quote' })
@Index({ properties: ['customerId', 'createdAt'] })
export class Quote {
  [OptionalProps]?: 'syncedAt' | 'targetAccount';

  /** Wise's quote id (a UUID). */
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text' })
  customerId!: string;

  @Property({ type: new BigIntType('number') })
  profileId!: number;

  @Property({ type: 'text' })
  sourceCurrency!: string;

  @Property({ type: 'text' })
  targetCurrency!: string;

  @Property({ type: 'decimal', precision: 20, scale: 8 })
  sourceAmount!: string;

  @Property({ type: 'decimal', precision: 20, scale: 8 })
  targetAmount!: string;

  @Property({ type: 'decimal', precision: 20, scale: 10 })
  rate!: string;

  /** Total fee of the option the bank pays with (BALANCE), in the source currency. */
  @Property({ type: 'decimal', precision: 20, scale: 8 })
  fee!: string;

  @Property({ type: 'text' })
  providedAmountType!: 'SOURCE' | 'TARGET';

  @Property({ type: 'text' })
  payOut!: string;

  @Property({ type: 'text' })
  status!: QuoteStatus;

  @Property({ type: new BigIntType('number'), nullable: true })
  targetAccount: number | null = null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  /** Wise's quote as last read (payment options, notices…). */
  @Property({ type: 'json' })
  data!: Record<string, unknown>;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  syncedAt: Date = new Date();
}
