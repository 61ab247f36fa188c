/** Onboarding: where the customer stands with Wise (OnboardingStatus), and whether the bank offers Wise to them yet (its rollout). */
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from './relay.js';
import { CurrencyCodeScalar, DecimalScalar } from './scalars.js';

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
