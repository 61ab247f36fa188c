/** A bank plugs its own systems in through the ports, with no knowledge of the gateway's ORM. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer, CustomerDirectory, DebitResult, Ledger } from '../src/ports/index.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';

const ZED: Customer = {
  id: 'bank-zed-7',
  email: 'zed@bank.example',
  givenName: 'Zed',
  familyName: 'Adapter',
  dateOfBirth: '1990-02-03',
  address: { firstLine: '1 Bank Street', city: 'London', postCode: 'EC1A 1AA', country: 'GB', stateCode: null },
  phone: '+447700900123',
};

/** The bank's own directory: a plain object, not a table of the gateway's. */
const bankDirectory: CustomerDirectory = {
  findByIds: async (ids) => ids.map((id) => (id === ZED.id ? ZED : null)),
};

/**
 * The bank's own ledger: a plain object too. It cannot join the gateway's transaction and never
 * looks at it. Only balances are read here; moving money is the money tests' business.
 */
const bankLedger: Ledger = {
  available: async (_tx, customerId, currency) => (customerId === ZED.id && currency === 'EUR' ? '250.00' : null),
  debit: async (): Promise<DebitResult> => ({ ok: false, reason: 'INSUFFICIENT_FUNDS' }),
  credit: async () => ({ alreadyDone: true }),
};

describe("the bank's customer directory and ledger", () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({}, { gateway: { customerDirectory: bankDirectory, ledger: bankLedger } });
  }, 90_000);
  afterAll(() => gateway?.stop());

  it("answers viewer from the bank's directory, passed to startGateway", async () => {
    const { body } = await gateway.graphql('{ viewer { bankCustomerId email givenName familyName } }', { customerId: ZED.id });
    expect(body.errors).toBeUndefined();
    expect(body.data.viewer).toEqual({ bankCustomerId: ZED.id, email: ZED.email, givenName: 'Zed', familyName: 'Adapter' });
  });

  it("answers viewer.bankAccounts from the bank's ledger, passed to startGateway", async () => {
    const { body } = await gateway.graphql('{ viewer { bankAccounts { currency availableBalance { amount currency } } } }', { customerId: ZED.id });
    expect(body.errors).toBeUndefined();
    expect(body.data.viewer.bankAccounts).toEqual([{ currency: 'EUR', availableBalance: { amount: '250.00', currency: 'EUR' } }]);
  });
});
