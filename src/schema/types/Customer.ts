import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('PostalAddress', { description: 'A postal address as the bank holds it.' })
export class PostalAddressType {
  @Field(() => String)
  firstLine!: string;

  @Field(() => String)
  city!: string;

  @Field(() => String, { nullable: true })
  postCode!: string | null;

  @Field(() => String, { nullable: true, description: 'State, province or territory code (US, CA, AU, BR).' })
  stateCode!: string | null;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2 country code.' })
  country!: string;
}

@ObjectType('Customer', { description: "The authenticated bank customer, from the bank's own records." })
export class CustomerType {
  @Field(() => ID, { description: 'The bank customer id (the subject of the bank token).' })
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  givenName!: string;

  @Field(() => String)
  familyName!: string;

  @Field(() => String, { description: 'YYYY-MM-DD.' })
  dateOfBirth!: string;

  @Field(() => PostalAddressType)
  address!: PostalAddressType;

  @Field(() => String, { description: 'International format, e.g. +447700900001.' })
  phone!: string;
}
