/**
 * Connecting the customer's Wise account: created for them (partner KYC) or linked through
 * Wise's authorization page (Wise KYC), and unlinked.
 */
import { createUnionType, Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { UserError } from './errors.js';
import { OnboardingStatus } from './onboarding.js';
import { ProfileRejected, WiseProfile } from './profiles.js';

@ObjectType('CheckWiseAccountResult')
export class CheckWiseAccountResult {
  @Field(() => String)
  email!: string;

  @Field(() => Boolean)
  exists!: boolean;
}

@InputType('CheckWiseAccountInput')
export class CheckWiseAccountInput {
  @Field(() => String, { nullable: true, description: "The customer's own email at the bank (the default); any other is refused." })
  email?: string | null;
}

export enum LinkRequiredReasonEnum {
  EMAIL_ALREADY_AT_WISE = 'EMAIL_ALREADY_AT_WISE',
  BANK_USES_WISE_KYC = 'BANK_USES_WISE_KYC',
  REFRESH_TOKEN_EXPIRED = 'REFRESH_TOKEN_EXPIRED',
  ACCESS_REVOKED = 'ACCESS_REVOKED',
  EMAIL_CHANGED = 'EMAIL_CHANGED',
  ACCOUNT_RECLAIMED = 'ACCOUNT_RECLAIMED',
  IDENTITY_MISMATCH = 'IDENTITY_MISMATCH',
}
registerEnumType(LinkRequiredReasonEnum, {
  name: 'LinkRequiredReason',
  description: "Why the customer must authorize at Wise: the email is taken, the bank uses Wise KYC, the stored credentials died (the RelinkReason values, as onboardingStatus says), or the last Wise profile linked was not this person's.",
});

@ObjectType('WiseAccountCreated')
export class WiseAccountCreated {
  @Field(() => OnboardingStatus)
  onboardingStatus!: OnboardingStatus;

  @Field(() => WiseProfile, { nullable: true })
  profile!: WiseProfile | null;
}

@ObjectType('LinkRequired', { implements: UserError, description: 'The customer must log in at Wise: send the browser to authorizationUrl.' })
export class LinkRequired extends UserError {
  @Field(() => LinkRequiredReasonEnum)
  reason!: LinkRequiredReasonEnum;

  @Field(() => String)
  authorizationUrl!: string;

  @Field(() => Date, { description: 'The URL (its state) stops working after this.' })
  expiresAt!: Date;

  @Field(() => OnboardingStatus)
  onboardingStatus!: OnboardingStatus;
}

@ObjectType('AlreadyLinked', { description: 'Nothing to do: the customer is linked.' })
export class AlreadyLinked {
  @Field(() => OnboardingStatus)
  onboardingStatus!: OnboardingStatus;
}

export const CreateWiseAccountResult = createUnionType({
  name: 'CreateWiseAccountResult',
  types: () => [WiseAccountCreated, LinkRequired, AlreadyLinked, ProfileRejected] as const,
});

@ObjectType('AuthorizationRequired', { description: 'Send the customer to authorizationUrl.' })
export class AuthorizationRequired {
  @Field(() => String, { description: "Wise's authorization page, with a fresh single-use state bound to this customer." })
  authorizationUrl!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => Boolean, { description: 'The page lets the customer review and claim the account the bank pre-filled.' })
  claimsPrefilledAccount!: boolean;
}

export const LinkAccountResult = createUnionType({
  name: 'LinkAccountResult',
  types: () => [AuthorizationRequired, AlreadyLinked] as const,
});

export enum LinkRejectionReasonEnum {
  INVALID_STATE = 'INVALID_STATE',
  STATE_EXPIRED = 'STATE_EXPIRED',
  STATE_ALREADY_USED = 'STATE_ALREADY_USED',
  STATE_OF_ANOTHER_CUSTOMER = 'STATE_OF_ANOTHER_CUSTOMER',
  AUTHORIZATION_DENIED = 'AUTHORIZATION_DENIED',
  CODE_REJECTED = 'CODE_REJECTED',
  NO_PROFILE = 'NO_PROFILE',
  PROFILE_NOT_GRANTED = 'PROFILE_NOT_GRANTED',
  IDENTITY_MISMATCH = 'IDENTITY_MISMATCH',
}
registerEnumType(LinkRejectionReasonEnum, { name: 'LinkRejectionReason' });

@InputType('CompleteLinkInput', { description: "What Wise's redirect carried." })
export class CompleteLinkInput {
  @Field(() => String)
  state!: string;

  @Field(() => String, { nullable: true })
  code?: string | null;

  @Field(() => String, { nullable: true, description: "Wise's profile id from the redirect." })
  profileId?: string | null;

  @Field(() => String, { nullable: true, description: "Wise's `error` when the customer declined." })
  error?: string | null;

  @Field(() => String, { nullable: true })
  errorDescription?: string | null;
}

@ObjectType('LinkCompleted')
export class LinkCompleted {
  @Field(() => OnboardingStatus)
  onboardingStatus!: OnboardingStatus;
}

@ObjectType('LinkRejected', { implements: UserError })
export class LinkRejected extends UserError {
  @Field(() => LinkRejectionReasonEnum)
  reason!: LinkRejectionReasonEnum;

  @Field(() => OnboardingStatus)
  onboardingStatus!: OnboardingStatus;
}

export const CompleteLinkResult = createUnionType({
  name: 'CompleteLinkResult',
  types: () => [LinkCompleted, LinkRejected] as const,
});

@ObjectType('UnlinkAccountResult')
export class UnlinkAccountResult {
  @Field(() => Boolean, { description: 'False when nothing was linked.' })
  unlinked!: boolean;

  @Field(() => OnboardingStatus)
  onboardingStatus!: OnboardingStatus;
}
