import { BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

export type VerificationRoute = { currency: string; status: 'verified' | 'not_verified'; maximumEntitledAmount: number };

/**
 * The gateway's copy of a Wise profile, served to frontends without calling Wise. `data` is
 * Wise's v2 profile as last read; `syncedAt` says when.
 */
@Entity({ tableName: 'wise_profile' })
@Index({ properties: ['customerId'] })
export class WiseProfile {
  /** Wise's profile id. */
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: false })
  id!: number;

  @Property({ type: 'text' })
  customerId!: string;

  @Property({ type: 'uuid' })
  linkId!: string;

  @Property({ type: new BigIntType('number') })
  wiseUserId!: number;

  @Property({ type: 'text' })
  type!: 'PERSONAL' | 'BUSINESS';

  @Property({ type: 'text' })
  fullName!: string;

  @Property({ type: 'text', nullable: true })
  dateOfBirth: string | null = null;

  @Property({ type: 'json' })
  data!: Record<string, unknown>;

  @Property({ type: 'timestamptz' })
  syncedAt!: Date;

  /** Per source currency, from Wise's verification check or its webhook. */
  @Property({ type: 'json', nullable: true })
  verification: VerificationRoute[] | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  verificationSyncedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  recipientsSyncedAt: Date | null = null;

  /** occurred_at of the last verification webhook applied: older events never overwrite. */
  @Property({ type: 'timestamptz', nullable: true })
  verificationEventAt: Date | null = null;
}
