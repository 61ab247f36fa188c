import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

export type PostalAddress = {
  firstLine: string;
  city: string;
  postCode: string | null;
  /** State, province or territory code; required by Wise for US, CA, AU and BR. */
  stateCode: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
};

/**
 * The bank's own record of a customer: the default, Postgres-backed adapter of the customer
 * directory port (src/services/customers.ts). A bank with its own customer system swaps the
 * adapter; nothing else reads this table.
 */
@Entity({ tableName: 'bank_customer' })
export class BankCustomer {
  /** The bank's customer id: the `sub` of the bank's JWT. */
  @PrimaryKey({ type: 'text' })
  id!: string;

  @Property({ type: 'text' })
  email!: string;

  @Property({ type: 'text' })
  givenName!: string;

  @Property({ type: 'text' })
  familyName!: string;

  /** YYYY-MM-DD, kept as text so no time zone can shift it by a day. */
  @Property({ type: 'text' })
  dateOfBirth!: string;

  @Property({ type: 'json' })
  address!: PostalAddress;

  /** International format, e.g. +447700900001. */
  @Property({ type: 'text' })
  phone!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt?: Date;
}
