/** A bank plugs its own systems in through the ports, with no knowledge of the gateway's ORM. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer, CustomerDirectory } from '../src/ports/customer-directory.js';
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

describe("the bank's customer directory", () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({}, { gateway: { customerDirectory: bankDirectory } });
  }, 90_000);
  afterAll(() => gateway?.stop());

  it("answers viewer from the bank's directory, passed to startGateway", async () => {
    const { body } = await gateway.graphql('{ viewer { bankCustomerId email givenName familyName } }', { customerId: ZED.id });
    expect(body.errors).toBeUndefined();
    expect(body.data.viewer).toEqual({ bankCustomerId: ZED.id, email: ZED.email, givenName: 'Zed', familyName: 'Adapter' });
  });
});
