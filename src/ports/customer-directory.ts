/**
 * The customer directory port: what the gateway needs to know about a bank customer to
 * create a Wise user and profile and to check a linked profile. The default adapter
 * (adapters/postgres/customer-directory.ts) reads the gateway's own `bank_customer` table; a
 * bank plugs in its core-banking system instead.
 */
import type { PostalAddress } from '../domain/postal-address.js';

export type { PostalAddress };

export type Customer = {
  /** The bank's customer id: the `sub` of the bank's JWT. */
  id: string;
  email: string;
  givenName: string;
  familyName: string;
  /** YYYY-MM-DD. */
  dateOfBirth: string;
  address: PostalAddress;
  /** International format, e.g. +447700900001. */
  phone: string;
};

export interface CustomerDirectory {
  /** Customers by id, in the order asked; null where the bank knows no such customer. */
  findByIds(ids: readonly string[]): Promise<(Customer | null)[]>;
}
