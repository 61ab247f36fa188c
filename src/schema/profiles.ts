/** Wise profiles of the customer: the gateway's copy, and creating a personal or business one. */
import { createUnionType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { FieldError, UserError } from './errors.js';
import { OnboardingStatus, VerificationRoute } from './onboarding.js';
import { Node } from './relay.js';
import { CountryCodeScalar, LocalDateScalar } from './scalars.js';
import { PostalAddress } from './viewer.js';

export enum ProfileTypeEnum {
  PERSONAL = 'PERSONAL',
  BUSINESS = 'BUSINESS',
}
registerEnumType(ProfileTypeEnum, { name: 'ProfileType' });

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

@ObjectType('ProfileRejected', { implements: UserError, description: "Wise refused the profile built from the bank's data; the fields say why." })
export class ProfileRejected extends UserError {
  @Field(() => OnboardingStatus)
  onboardingStatus!: OnboardingStatus;

  @Field(() => [FieldError])
  fieldErrors!: FieldError[];
}

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

