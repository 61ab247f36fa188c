import { randomUUID } from 'node:crypto';
import { BigIntType, Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

export type LinkStatus = 'CREATING' | 'LINK_REQUIRED' | 'AWAITING_AUTHORIZATION' | 'LINKED' | 'RELINK_REQUIRED' | 'IDENTITY_MISMATCH' | 'UNLINKED';
export type RelinkReason = 'REFRESH_TOKEN_EXPIRED' | 'ACCESS_REVOKED' | 'EMAIL_CHANGED' | 'ACCOUNT_RECLAIMED';
export type LinkModel = 'partner_kyc' | 'wise_kyc' | 'wise_kyc_prefilled';

/**
 * A bank customer's connection to a Wise user: how it was made, where it stands, and the
 * sealed credentials (src/services/secrets.ts) — never stored in plain text. At most one link
 * per customer is not UNLINKED.
 *
 * LINK_REQUIRED (partner KYC) records that Wise already knows the customer's email: it holds
 * no credentials, only `signupEmail`, and the customer's next step is to link that account.
 */
@Entity({ tableName: 'wise_link' })
@Index({ properties: ['customerId'] })
export class WiseLink {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text' })
  customerId!: string;

  @Enum({ items: ['partner_kyc', 'wise_kyc', 'wise_kyc_prefilled'], type: 'text' })
  model!: LinkModel;

  @Enum({ items: ['CREATING', 'LINK_REQUIRED', 'AWAITING_AUTHORIZATION', 'LINKED', 'RELINK_REQUIRED', 'IDENTITY_MISMATCH', 'UNLINKED'], type: 'text' })
  status!: LinkStatus;

  @Property({ type: 'text', nullable: true })
  relinkReason: RelinkReason | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  wiseUserId: number | null = null;

  /** The profile the customer granted (Wise KYC) or the gateway created (partner KYC). */
  @Property({ type: new BigIntType('number'), nullable: true })
  profileId: number | null = null;

  @Property({ type: 'text', nullable: true })
  accessToken: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  accessTokenExpiresAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  refreshToken: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  refreshTokenExpiresAt: Date | null = null;

  /** Partner-created users: the sealed registration code and the email it was issued for. */
  @Property({ type: 'text', nullable: true })
  registrationCode: string | null = null;

  @Property({ type: 'text', nullable: true })
  signupEmail: string | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
