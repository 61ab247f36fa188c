import { BigIntType, Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** PENDING until Wise has created the transfer (a retry or the sweep finishes it), then CREATED. */
export type CreationState = 'PENDING' | 'CREATED';
export type FundingState = 'NOT_FUNDED' | 'DEBITED' | 'FUNDED' | 'REJECTED';

/**
 * A transfer as the gateway knows it. The row is written — with the customerTransactionId
 * derived from the caller's idempotency key — before Wise is asked to create the transfer, so a
 * retry or a crash at any point finds it and repeats the same request: never a second transfer.
 */
@Entity({ tableName: 'transfer' })
export class Transfer {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'syncedAt' | 'fundingAttempt' | 'refunded' | 'wiseAccessLost' | 'reference' | 'data' | 'quotePatched' | 'fundingStartedAt';

  /** The gateway's id (Wise's id is wiseTransferId, known once Wise answered). */
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text' })
  customerId!: string;

  @Property({ type: new BigIntType('number') })
  profileId!: number;

  @Property({ type: 'text' })
  idempotencyKey!: string;

  /** What was asked for: the same key with other input is refused. */
  @Property({ type: 'text' })
  requestHash!: string;

  @Property({ type: 'uuid' })
  customerTransactionId!: string;

  @Property({ type: 'uuid' })
  quoteId!: string;

  @Property({ type: new BigIntType('number') })
  recipientId!: number;

  @Property({ type: new BigIntType('number'), nullable: true })
  wiseTransferId: number | null = null;

  @Property({ type: 'text' })
  creationState!: CreationState;

  /** Wise's state, lower_snake as Wise writes it. */
  @Property({ type: 'text' })
  status!: string;

  /** occurred_at of the current state: an older event never replaces it. */
  @Property({ type: 'timestamptz', nullable: true })
  stateAt: Date | null = null;

  /** The funding state machine: services/transfer-funding.ts. */
  @Property({ type: 'text' })
  fundingState!: FundingState;

  /** When the current DEBITED funding began: the sweep settles one nobody finished. */
  @Property({ type: 'timestamptz', nullable: true })
  fundingStartedAt: Date | null = null;

  /** Wise accepted the quote's PATCH (recipient attached): a retried creation repeats it until then. */
  @Property({ type: 'boolean' })
  quotePatched = false;

  @Property({ type: 'integer' })
  fundingAttempt = 0;

  @Property({ type: 'text', nullable: true })
  scaOneTimeToken: string | null = null;

  /** The bank customer got the money back (at most once). */
  @Property({ type: 'boolean' })
  refunded = false;

  /** Wise stopped letting us read it (403 after a re-link): the local copy is what remains. */
  @Property({ type: 'boolean' })
  wiseAccessLost = false;

  @Property({ type: 'text' })
  sourceCurrency!: string;

  @Property({ type: 'decimal', precision: 20, scale: 8 })
  sourceAmount!: string;

  @Property({ type: 'text' })
  targetCurrency!: string;

  @Property({ type: 'decimal', precision: 20, scale: 8 })
  targetAmount!: string;

  @Property({ type: 'decimal', precision: 20, scale: 10 })
  rate!: string;

  @Property({ type: 'decimal', precision: 20, scale: 8 })
  fee!: string;

  @Property({ type: 'text' })
  reference = '';

  @Property({ type: 'json' })
  details!: Record<string, unknown>;

  @Property({ type: 'json', nullable: true })
  data: Record<string, unknown> | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  syncedAt: Date = new Date();
}
