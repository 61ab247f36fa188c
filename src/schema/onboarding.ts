/** Onboarding: where the customer stands with Wise, linking, profiles and the bank's rollout. */
import { createUnionType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { FieldError, UserError } from './errors.js';
import { Node } from './relay.js';
import { CountryCodeScalar, CurrencyCodeScalar, DecimalScalar, LocalDateScalar } from './scalars.js';
import { PostalAddress } from './viewer.js';

export enum OnboardingStateEnum {
  NOT_LINKED = 'NOT_LINKED',
  AWAITING_AUTHORIZATION = 'AWAITING_AUTHORIZATION',
  NO_PROFILE = 'NO_PROFILE',
  PENDING_VERIFICATION = 'PENDING_VERIFICATION',
  READY = 'READY',
  RELINK_REQUIRED = 'RELINK_REQUIRED',
  IDENTITY_MISMATCH = 'IDENTITY_MISMATCH',
}
registerEnumType(OnboardingStateEnum, {
  name: 'OnboardingState',
  description: 'Where the customer stands with Wise: the one value a frontend switches on.',
  valuesConfig: {
    NOT_LINKED: { description: 'No Wise account is connected.' },
    AWAITING_AUTHORIZATION: { description: 'Sent to Wise (pre-filled account to review and claim); waiting for them to come back.' },
    NO_PROFILE: { description: 'Connected, but the Wise account has no profile yet.' },
    PENDING_VERIFICATION: { description: 'Wise is verifying the profile; transfers wait for it.' },
    READY: { description: 'Verified (or allowed to send up to an amount): transfers can be made.' },
    RELINK_REQUIRED: { description: 'The connection stopped working (see relinkReason): the customer must authorize again.' },
    IDENTITY_MISMATCH: { description: "The linked Wise profile is not this customer (date of birth differs from the bank's records)." },
  },
});

export enum OnboardingModelEnum {
  PARTNER_KYC = 'partner_kyc',
  WISE_KYC = 'wise_kyc',
  WISE_KYC_PREFILLED = 'wise_kyc_prefilled',
}
registerEnumType(OnboardingModelEnum, { name: 'OnboardingModel', description: 'How this bank onboards customers to Wise (configuration).' });

export enum NextActionEnum {
  CREATE_WISE_ACCOUNT = 'CREATE_WISE_ACCOUNT',
  LINK_WISE_ACCOUNT = 'LINK_WISE_ACCOUNT',
  COMPLETE_AUTHORIZATION = 'COMPLETE_AUTHORIZATION',
  CREATE_PROFILE = 'CREATE_PROFILE',
  WAIT_FOR_VERIFICATION = 'WAIT_FOR_VERIFICATION',
  RELINK_WISE_ACCOUNT = 'RELINK_WISE_ACCOUNT',
  NONE = 'NONE',
}
registerEnumType(NextActionEnum, {
  name: 'NextAction',
  description: 'What the customer should do next: createWiseAccount, linkAccount (for LINK, COMPLETE_AUTHORIZATION and RELINK), createPersonalProfile, or wait.',
});

export enum RelinkReasonEnum {
  REFRESH_TOKEN_EXPIRED = 'REFRESH_TOKEN_EXPIRED',
  ACCESS_REVOKED = 'ACCESS_REVOKED',
  EMAIL_CHANGED = 'EMAIL_CHANGED',
  ACCOUNT_RECLAIMED = 'ACCOUNT_RECLAIMED',
}
registerEnumType(RelinkReasonEnum, { name: 'RelinkReason', description: 'Why Wise stopped accepting the stored credentials.' });

export enum VerificationStatusEnum {
  VERIFIED = 'verified',
  NOT_VERIFIED = 'not_verified',
}
registerEnumType(VerificationStatusEnum, { name: 'VerificationStatus' });

export enum ProfileTypeEnum {
  PERSONAL = 'PERSONAL',
  BUSINESS = 'BUSINESS',
}
registerEnumType(ProfileTypeEnum, { name: 'ProfileType' });

export enum NotOfferedReasonEnum {
  CUSTOMER_NOT_IN_PILOT = 'CUSTOMER_NOT_IN_PILOT',
  ROUTE_NOT_OFFERED = 'ROUTE_NOT_OFFERED',
}
registerEnumType(NotOfferedReasonEnum, {
  name: 'NotOfferedReason',
  description: 'Why Wise is not offered (the bank is rolling it out step by step).',
  valuesConfig: {
    CUSTOMER_NOT_IN_PILOT: { description: 'The bank offers Wise to a pilot group of customers for now; this customer is not in it.' },
    ROUTE_NOT_OFFERED: { description: 'The bank does not offer this currency route yet; `routes` lists those it does.' },
  },
});

@ObjectType('CurrencyRoute', { simpleResolvers: true, description: 'A source → target currency pair the customer may send.' })
export class CurrencyRoute {
  @Field(() => CurrencyCodeScalar)
  sourceCurrency!: string;

  @Field(() => CurrencyCodeScalar)
  targetCurrency!: string;
}

@ObjectType('WiseAvailability', {
  simpleResolvers: true,
  description: 'Whether the bank offers Wise transfers to this customer yet, and on which routes. Refusals carry extensions.code NOT_OFFERED with the same reason.',
})
export class WiseAvailability {
  @Field(() => Boolean)
  offered!: boolean;

  @Field(() => NotOfferedReasonEnum, { nullable: true, description: 'Set when not offered.' })
  reason?: NotOfferedReasonEnum | null;

  @Field(() => [CurrencyRoute], { nullable: true, description: 'The routes the customer may use; null means every route Wise supports.' })
  routes?: CurrencyRoute[] | null;
}

@ObjectType('VerificationRoute', { simpleResolvers: true, description: "A profile's verification for one source currency (Wise's bank-transfer check)." })
export class VerificationRoute {
  @Field(() => CurrencyCodeScalar, { description: 'The source currency.' })
  currency!: string;

  @Field(() => VerificationStatusEnum)
  status!: VerificationStatusEnum;

  @Field(() => DecimalScalar, { description: 'While not verified: the cumulative amount Wise still allows, in this currency.' })
  maximumEntitledAmount!: string;
}

@ObjectType('OnboardingStatus', { implements: Node, description: "Where the customer stands with Wise. One per customer (a stable id), so every mutation that changes it and every onboardingStatusChanged push updates it in a client's cache." })
export class OnboardingStatus extends Node {
  @Field(() => OnboardingStateEnum)
  state!: OnboardingStateEnum;

  @Field(() => String, { nullable: true, description: "On onboardingStatusChanged: the event's place in the customer's sequence (pass it as `after` to resume). Null on the query." })
  sequence?: string | null;

  @Field(() => OnboardingModelEnum)
  model!: OnboardingModelEnum;

  @Field(() => NextActionEnum)
  nextAction!: NextActionEnum;

  @Field(() => String, { description: 'What to tell the customer, in plain words.' })
  message!: string;

  @Field(() => RelinkReasonEnum, { nullable: true })
  relinkReason!: RelinkReasonEnum | null;

  @Field(() => ID, { nullable: true, description: 'The linked Wise profile (a WiseProfile id).' })
  profileId!: string | null;

  @Field(() => [VerificationRoute], { nullable: true })
  verification!: VerificationRoute[] | null;

  // Resolved when asked for (the bank's rollout).
  @Field(() => WiseAvailability, { description: "Whether Wise is offered to the customer yet (the bank's rollout), and on which routes." })
  availability?: WiseAvailability;
}

@ObjectType('WiseProfile', { implements: Node, description: "A Wise profile of the customer, served from the gateway's copy." })
export class WiseProfile extends Node {
  @Field(() => ID, { description: "Wise's profile id (for the bank's support staff; use `id` in the API)." })
  wiseProfileId!: string;

  @Field(() => ProfileTypeEnum)
  type!: ProfileTypeEnum;

  @Field(() => String)
  fullName!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: 'Personal profiles only.' })
  dateOfBirth!: string | null;

  @Field(() => PostalAddress, { nullable: true })
  address!: PostalAddress | null;

  @Field(() => [VerificationRoute], { nullable: true })
  verification!: VerificationRoute[] | null;

  @Field(() => Date, { description: 'When the gateway last read it from Wise.' })
  syncedAt!: Date;
}

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

@ObjectType('ProfileRejected', { implements: UserError, description: "Wise refused the profile built from the bank's data; the fields say why." })
export class ProfileRejected extends UserError {
  @Field(() => OnboardingStatus)
  onboardingStatus!: OnboardingStatus;

  @Field(() => [FieldError])
  fieldErrors!: FieldError[];
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

@ObjectType('ProfileCreated')
export class ProfileCreated {
  @Field(() => WiseProfile)
  profile!: WiseProfile;

  @Field(() => OnboardingStatus)
  onboardingStatus!: OnboardingStatus;
}

@ObjectType('NotLinked', { implements: UserError, description: 'No working Wise link: onboardingStatus says what to do.' })
export class NotLinked extends UserError {
  @Field(() => OnboardingStatus)
  onboardingStatus!: OnboardingStatus;
}

export const CreatePersonalProfileResult = createUnionType({
  name: 'CreatePersonalProfileResult',
  types: () => [ProfileCreated, ProfileRejected, NotLinked] as const,
});

export const CreateBusinessProfileResult = createUnionType({
  name: 'CreateBusinessProfileResult',
  types: () => [ProfileCreated, ProfileRejected, NotLinked] as const,
});

@ObjectType('UnlinkAccountResult')
export class UnlinkAccountResult {
  @Field(() => Boolean, { description: 'False when nothing was linked.' })
  unlinked!: boolean;

  @Field(() => OnboardingStatus)
  onboardingStatus!: OnboardingStatus;
}

@InputType('CreatePersonalProfileInput', { description: "Overrides of the bank's data for the personal profile (everything else comes from the bank)." })
export class CreatePersonalProfileInput {
  @Field(() => String, { nullable: true, description: 'Name the customer goes by.' })
  preferredName?: string;

  @Field(() => String, { nullable: true, description: 'Occupation, free text (required by Wise for residents of CA, IN, JP, ID, IL, MX and US-NM).' })
  occupation?: string;

  @Field(() => String, { nullable: true, description: 'Lower-case ISO 3166-1 alpha-3, e.g. gbr.' })
  nationality?: string;
}

@InputType('BusinessAddressInput')
export class BusinessAddressInput {
  @Field(() => String)
  firstLine!: string;

  @Field(() => String)
  city!: string;

  @Field(() => String, { nullable: true })
  postCode?: string;

  @Field(() => String, { nullable: true })
  stateCode?: string;

  @Field(() => CountryCodeScalar)
  country!: string;
}

@InputType('CreateBusinessProfileInput', { description: 'A business profile at Wise; the personal profile must exist. The idempotency key makes a retry safe.' })
export class CreateBusinessProfileInput {
  @Field(() => String)
  idempotencyKey!: string;

  @Field(() => String)
  businessName!: string;

  @Field(() => String, { nullable: true })
  registrationNumber?: string;

  @Field(() => String, { nullable: true, description: "Wise's companyType, e.g. LIMITED, SOLE_TRADER, OTHER." })
  companyType?: string;

  @Field(() => String, { nullable: true, description: 'OWNER, DIRECTOR or OTHER.' })
  companyRole?: string;

  @Field(() => String, { nullable: true })
  descriptionOfBusiness?: string;

  @Field(() => String, { nullable: true, description: 'Required by Wise when companyType is OTHER.' })
  businessFreeFormDescription?: string;

  @Field(() => String, { nullable: true, description: 'Required by Wise when companyType is OTHER.' })
  webpage?: string;

  @Field(() => String, { nullable: true })
  firstLevelCategory?: string;

  @Field(() => String, { nullable: true })
  secondLevelCategory?: string;

  @Field(() => BusinessAddressInput)
  address!: BusinessAddressInput;
}

