import { Field, ID, ObjectType } from 'type-graphql';
import { Money } from './money.js';
import { Node } from './relay.js';
import { CountryCodeScalar, CurrencyCodeScalar, LocalDateScalar } from './scalars.js';

@ObjectType('PostalAddress', { simpleResolvers: true, description: 'A postal address.' })
export class PostalAddress {
  @Field(() => String)
  firstLine!: string;

  @Field(() => String)
  city!: string;

  @Field(() => String, { nullable: true })
  postCode!: string | null;

  @Field(() => String, { nullable: true, description: 'State, province or territory code (US, CA, AU, BR).' })
  stateCode!: string | null;

  @Field(() => CountryCodeScalar)
  country!: string;
}

@ObjectType('BankAccount', { implements: Node, simpleResolvers: true, description: "One of the customer's accounts at the bank, as the bank's ledger reports it." })
export class BankAccount extends Node {
  @Field(() => CurrencyCodeScalar)
  currency!: string;

  @Field(() => Money, { description: 'What the customer can spend now (what a transfer is checked against).' })
  availableBalance!: Money;
}

@ObjectType('Customer', { implements: Node, description: "The authenticated bank customer, from the bank's own records." })
export class Customer extends Node {
  @Field(() => ID, { description: 'The bank customer id (the subject of the bank token).' })
  bankCustomerId!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  givenName!: string;

  @Field(() => String)
  familyName!: string;

  @Field(() => LocalDateScalar)
  dateOfBirth!: string;

  @Field(() => PostalAddress)
  address!: PostalAddress;

  @Field(() => String, { description: 'International format, e.g. +447700900001.' })
  phone!: string;

  // Resolved from the bank's ledger when asked for (src/resolvers/viewer.resolver.ts).
  @Field(() => [BankAccount], { description: "The customer's accounts at the bank, with what is available in each." })
  bankAccounts?: BankAccount[];
}

