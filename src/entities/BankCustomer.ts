import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import type { PostalAddress } from '../domain/postal-address.js';

/**
 * The bank's own record of a customer, read by the default adapter of the customer directory
 * port (src/adapters/postgres/customer-directory.ts). A bank with its own customer system swaps
 * the adapter; nothing else reads this table.
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
