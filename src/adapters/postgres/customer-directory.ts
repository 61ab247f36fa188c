/**
 * The customer directory port on the gateway's own Postgres: the `bank_customer` table (seeded
 * with demo customers in development). One instance per EntityManager, so a request's reads stay
 * on the request's fork.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { BankCustomer } from '../../entities/BankCustomer.js';
import type { Customer, CustomerDirectory } from '../../ports/customer-directory.js';

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
