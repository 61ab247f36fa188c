/**
 * Contract v1's ids, as a frontend meets them: every cached object refetches through node(id:)
 * with the id it came with; another customer's ids, made-up ids, malformed ids and ids of
 * another type all get the same answer — null when read, NOT_FOUND when an input names them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { globalId } from './support/ids.js';
import { client, CREATE_TRANSFER, euroRecipient, quote, readyCustomer, type Json } from './support/journey.js';

let gateway: TestGateway;
let alice: (query: string, variables?: Record<string, unknown>) => Promise<Json>;
let bob: (query: string, variables?: Record<string, unknown>) => Promise<Json>;
let ids: Record<string, string>;

beforeAll(async () => {
  gateway = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc' });
  alice = client(gateway, 'cust-alice');
  bob = client(gateway, 'cust-bob');
  await readyCustomer(gateway, 'cust-alice');
  const q = await quote(gateway, 'cust-alice', '100');
  const recipientId = await euroRecipient(gateway, 'cust-alice', q.id);
  const transfer = (await alice(CREATE_TRANSFER, { quoteId: q.id, recipientId, key: randomUUID(), details: [{ key: 'reference', value: 'rent' }] })).data.createTransfer.transfer;
  const read = (await alice(`{ viewer { id bankAccounts { id } } onboardingStatus { id profileId } profiles { id } }`)).data;
  const verification = (await alice(`query V($id: ID!) { verification(profileId: $id) { id } }`, { id: read.onboardingStatus.profileId })).data.verification;
  ids = {
    Customer: read.viewer.id,
    BankAccount: read.viewer.bankAccounts[0].id,
    OnboardingStatus: read.onboardingStatus.id,
    WiseProfile: read.profiles[0].id,
    Verification: verification.id,
    Quote: q.id,
    Recipient: recipientId,
    Transfer: transfer.id,
  };
}, 300_000);
afterAll(() => gateway?.stop());

const NODE = `query N($id: ID!) { node(id: $id) { __typename id } }`;

describe('node(id:)', () => {
  it('refetches every kind of cached object by the id it came with', async () => {
    for (const [type, id] of Object.entries(ids)) {
      expect((await alice(NODE, { id })).data.node, type).toEqual({ __typename: type, id });
    }
  });

  it("answers null for another customer's objects, exactly as for ones that do not exist", async () => {
    for (const [type, id] of Object.entries(ids)) {
      const answer = await bob(NODE, { id });
      expect(answer, type).toEqual({ data: { node: null } });
    }
    for (const id of ['nope', globalId('Transfer', randomUUID()), globalId('Recipient', 1), Buffer.from('Nothing:1').toString('base64url')]) {
      expect(await alice(NODE, { id })).toEqual({ data: { node: null } });
    }
  });

  it('keeps ids stable: the same object read twice, or pushed, has the same id', async () => {
    const again = (await alice(`{ onboardingStatus { id } viewer { id } }`)).data;
    expect(again).toEqual({ onboardingStatus: { id: ids.OnboardingStatus }, viewer: { id: ids.Customer } });
    const status = (await alice(`mutation { createWiseAccount { __typename ... on AlreadyLinked { onboardingStatus { id } } } }`)).data.createWiseAccount;
    expect(status).toEqual({ __typename: 'AlreadyLinked', onboardingStatus: { id: ids.OnboardingStatus } });
  });
});

describe('not found and not yours', () => {
  const FUND = `mutation F($id: ID!) { fundTransfer(input: { transferId: $id }) { __typename } }`;
  const READ = `query T($id: ID!) { transfer(id: $id) { id } quote(id: $id) { id } verification(profileId: $id) { id } }`;

  it('are one answer on every operation: null when read, NOT_FOUND naming the input when acted on', async () => {
    const foreign = [ids.Transfer, ids.Quote, ids.WiseProfile];
    const madeUp = [globalId('Transfer', randomUUID()), globalId('Quote', randomUUID()), globalId('WiseProfile', 999999)];
    const malformed = ['nope', '-'.repeat(36), ids.Recipient];
    for (const id of foreign) expect(await bob(READ, { id })).toEqual({ data: { transfer: null, quote: null, verification: null } });
    for (const id of [...madeUp, ...malformed]) expect(await alice(READ, { id })).toEqual({ data: { transfer: null, quote: null, verification: null } });

    const refusals = [await bob(FUND, { id: ids.Transfer }), ...(await Promise.all([...madeUp, ...malformed].map((id) => alice(FUND, { id }))))];
    for (const refusal of refusals) {
      expect(refusal.data).toBeNull();
      expect(refusal.errors.map((e: Json) => ({ message: e.message, extensions: e.extensions }))).toEqual([{ message: 'Not found', extensions: { code: 'NOT_FOUND', field: 'input.transferId' } }]);
    }
  });

  it('refuses to create a transfer from a quote or recipient that is not found with NOT_FOUND naming the input', async () => {
    const unknownRecipient = await alice(CREATE_TRANSFER, { quoteId: ids.Quote, recipientId: globalId('Recipient', 1), key: randomUUID() });
    expect(unknownRecipient.errors[0]).toMatchObject({ message: 'Not found', extensions: { code: 'NOT_FOUND', field: 'input.recipientId' } });
    const unknownQuote = await alice(CREATE_TRANSFER, { quoteId: globalId('Quote', randomUUID()), recipientId: ids.Recipient, key: randomUUID() });
    expect(unknownQuote.errors[0]).toMatchObject({ message: 'Not found', extensions: { code: 'NOT_FOUND', field: 'input.quoteId' } });
  });
});
