/**
 * Demo customers for development and tests, so the whole flow is real out of the box.
 * - Alice is new to Wise: partner KYC creates her Wise account.
 * - Bob's email already exists at Wise (the simulator seeds a Wise user with it): creating an
 *   account answers 409 and he links his existing account instead.
 * - Carol lives in the US (state required), for recipient and profile forms with a state.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Customer } from '../ports/customer-directory.js';
import type { SeedUser } from '../simulator/core.js';

export const DEMO_CUSTOMERS: Customer[] = [
  {
    id: 'cust-alice',
    email: 'alice.new@bank.example',
    givenName: 'Alice',
    familyName: 'Newcomer',
    dateOfBirth: '1990-04-12',
    address: { firstLine: '1 High Street', city: 'London', postCode: 'N1 1AA', stateCode: null, country: 'GB' },
    phone: '+447700900001',
  },
  {
    id: 'cust-bob',
    email: 'bob.existing@bank.example',
    givenName: 'Bob',
    familyName: 'Already',
    dateOfBirth: '1985-09-30',
    address: { firstLine: '2 Canal Road', city: 'Manchester', postCode: 'M1 2AB', stateCode: null, country: 'GB' },
    phone: '+447700900002',
  },
  {
    id: 'cust-carol',
    email: 'carol.us@bank.example',
    givenName: 'Carol',
    familyName: 'Stateside',
    dateOfBirth: '1979-01-05',
    address: { firstLine: '45 Sunflower Ave', city: 'Phoenix', postCode: '85001', stateCode: 'AZ', country: 'US' },
    phone: '+14085550103',
  },
];

/** What each demo customer shows (the web app's sign-in page says it). */
export const DEMO_STORIES: Record<string, string> = {
  'cust-alice': 'New to Wise: the bank opens her Wise account (partner KYC).',
  'cust-bob': 'Already has a Wise account with his email: he links it at Wise.',
  'cust-carol': 'Lives in the US: state codes in addresses and forms.',
};

/**
 * People who already have a Wise account in the simulator. Bob's email is the bank's record
 * of him, so partner KYC meets a 409 and he links instead (password below, development only).
 */
export const DEMO_WISE_USERS: SeedUser[] = [
  {
    email: 'bob.existing@bank.example',
    password: 'wise-demo-password',
    verified: true,
    profile: { firstName: 'Bob', lastName: 'Already', dateOfBirth: '1985-09-30', country: 'GB', city: 'Manchester', firstLine: '2 Canal Road', postCode: 'M1 2AB' },
  },
];

/** Demo bank balances (the ledger port's Postgres adapter), in major units. */
export const DEMO_BALANCES: { customerId: string; currency: string; balance: string }[] = [
  { customerId: 'cust-alice', currency: 'GBP', balance: '5000.00' },
  { customerId: 'cust-alice', currency: 'EUR', balance: '3000.00' },
  { customerId: 'cust-alice', currency: 'USD', balance: '2000.00' },
  { customerId: 'cust-bob', currency: 'GBP', balance: '10000.00' },
  { customerId: 'cust-carol', currency: 'USD', balance: '8000.00' },
];

/** Inserts the demo customers that are missing; never overwrites a bank's edits. */
export async function seedDemoCustomers(em: EntityManager): Promise<number> {
  let inserted = 0;
  for (const customer of DEMO_CUSTOMERS) {
    const result = await em
      .getConnection()
      .execute(
        `insert into bank_customer (id, email, given_name, family_name, date_of_birth, address, phone)
         values (?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing`,
        [
          customer.id,
          customer.email,
          customer.givenName,
          customer.familyName,
          customer.dateOfBirth,
          JSON.stringify(customer.address),
          customer.phone,
        ],
        'run',
      );
    inserted += (result as unknown as { affectedRows?: number }).affectedRows ?? 0;
  }
  for (const account of DEMO_BALANCES) {
    await em
      .getConnection()
      .execute('insert into bank_account (customer_id, currency, balance) values (?, ?, ?) on conflict do nothing', [account.customerId, account.currency, account.balance], 'run');
  }
  return inserted;
}

