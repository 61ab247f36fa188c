/**
 * The customer directory port: what the gateway needs to know about a bank customer to
 * create a Wise user and profile and to check a linked profile. The default adapter reads the
 * gateway's own `bank_customer` table; a bank plugs in its core-banking system instead.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { BankCustomer, type PostalAddress } from '../entities/BankCustomer.js';

export type Customer = {
  id: string;
  email: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  address: PostalAddress;
  phone: string;
};

export interface CustomerDirectory {
  /** Customers by id, in the order asked; null where the bank knows no such customer. */
  findByIds(ids: readonly string[]): Promise<(Customer | null)[]>;
}

export class PostgresCustomerDirectory implements CustomerDirectory {
  constructor(private readonly em: EntityManager) {}

  async findByIds(ids: readonly string[]): Promise<(Customer | null)[]> {
    const rows = await this.em.find(BankCustomer, { id: { $in: [...ids] } });
    const byId = new Map(rows.map((row) => [row.id, toCustomer(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  }
}

function toCustomer(row: BankCustomer): Customer {
  const { id, email, givenName, familyName, dateOfBirth, address, phone } = row;
  return { id, email, givenName, familyName, dateOfBirth, address, phone };
}
