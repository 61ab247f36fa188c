import { createUnionType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { PostalAddressType } from './Customer.js';

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

@ObjectType('VerificationRoute', { simpleResolvers: true, description: "A profile's verification for one source currency (Wise's bank-transfer check)." })
export class VerificationRouteType {
  @Field(() => String, { description: 'ISO 4217 source currency.' })
  currency!: string;

  @Field(() => VerificationStatusEnum)
  status!: VerificationStatusEnum;

  @Field(() => String, { description: 'While not verified: the cumulative amount Wise still allows, as a decimal string in this currency.' })
  maximumEntitledAmount!: string;
}

@ObjectType('OnboardingStatus')
export class OnboardingStatusType {
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

  @Field(() => ID, { nullable: true, description: 'The linked Wise profile.' })
  profileId!: string | null;

  @Field(() => [VerificationRouteType], { nullable: true })
  verification!: VerificationRouteType[] | null;
}

@ObjectType('WiseProfile', { description: 'A Wise profile of the customer, served from the gateway\'s copy.' })
export class WiseProfileType {
  @Field(() => ID, { description: "Wise's profile id." })
  id!: string;

  @Field(() => ProfileTypeEnum)
  type!: ProfileTypeEnum;

  @Field(() => String)
  fullName!: string;

  @Field(() => String, { nullable: true, description: 'Personal profiles: YYYY-MM-DD.' })
  dateOfBirth!: string | null;

  @Field(() => PostalAddressType, { nullable: true })
  address!: PostalAddressType | null;

  @Field(() => [VerificationRouteType], { nullable: true })
  verification!: VerificationRouteType[] | null;

  @Field(() => Date, { description: 'When the gateway last read it from Wise.' })
  syncedAt!: Date;
}

@ObjectType('FieldError', { simpleResolvers: true, description: 'A field the customer must correct; `path` uses the keys of the form or input it came from.' })
export class FieldErrorType {
  @Field(() => String, { nullable: true })
  path!: string | null;

  @Field(() => String, { description: "Wise's or the gateway's code, e.g. NOT_VALID, REQUIRED." })
  code!: string;

  @Field(() => String)
  message!: string;
}

@ObjectType('WiseAccountCheck')
export class WiseAccountCheckType {
  @Field(() => String)
  email!: string;

  @Field(() => Boolean)
  exists!: boolean;
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
  @Field(() => OnboardingStatusType)
  onboardingStatus!: OnboardingStatusType;

  @Field(() => WiseProfileType, { nullable: true })
  profile!: WiseProfileType | null;
}

@ObjectType('LinkRequired', { description: 'The customer must log in at Wise: send the browser to authorizationUrl.' })
export class LinkRequired {
  @Field(() => LinkRequiredReasonEnum)
  reason!: LinkRequiredReasonEnum;

  @Field(() => String)
  authorizationUrl!: string;

  @Field(() => Date, { description: 'The URL (its state) stops working after this.' })
  expiresAt!: Date;
}

@ObjectType('AlreadyLinked')
export class AlreadyLinked {
  @Field(() => OnboardingStatusType)
  onboardingStatus!: OnboardingStatusType;
}

@ObjectType('ProfileRejected', { description: 'Wise refused the profile built from the bank\'s data; the fields say why.' })
export class ProfileRejected {
  @Field(() => OnboardingStatusType)
  onboardingStatus!: OnboardingStatusType;

  @Field(() => [FieldErrorType])
  fieldErrors!: FieldErrorType[];
}

export const CreateWiseAccountResult = createUnionType({
  name: 'CreateWiseAccountResult',
  types: () => [WiseAccountCreated, LinkRequired, AlreadyLinked, ProfileRejected] as const,
});

@ObjectType('AuthorizationRequired')
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

@ObjectType('LinkCompleted')
export class LinkCompleted {
  @Field(() => OnboardingStatusType)
  onboardingStatus!: OnboardingStatusType;
}

@ObjectType('LinkRejected')
export class LinkRejected {
  @Field(() => LinkRejectionReasonEnum)
  reason!: LinkRejectionReasonEnum;

  @Field(() => String)
  message!: string;
}

export const CompleteLinkResult = createUnionType({
  name: 'CompleteLinkResult',
  types: () => [LinkCompleted, LinkRejected] as const,
});

@ObjectType('ProfileCreated')
export class ProfileCreated {
  @Field(() => WiseProfileType)
  profile!: WiseProfileType;
}

@ObjectType('NotLinked', { description: 'No working Wise link: see onboardingStatus for what to do.' })
export class NotLinked {
  @Field(() => OnboardingStatusType)
  onboardingStatus!: OnboardingStatusType;
}

export const CreateProfileResult = createUnionType({
  name: 'CreateProfileResult',
  types: () => [ProfileCreated, ProfileRejected, NotLinked] as const,
});

@ObjectType('UnlinkAccountPayload')
export class UnlinkAccountPayload {
  @Field(() => Boolean, { description: 'False when nothing was linked.' })
  unlinked!: boolean;

  @Field(() => OnboardingStatusType)
  onboardingStatus!: OnboardingStatusType;
}

@InputType('PersonalProfileInput', { description: "Overrides of the bank's data for the personal profile (everything else comes from the bank)." })
export class PersonalProfileInput {
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

  @Field(() => String, { description: 'ISO 3166-1 alpha-2.' })
  country!: string;
}

@InputType('BusinessProfileInput')
export class BusinessProfileInput {
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

