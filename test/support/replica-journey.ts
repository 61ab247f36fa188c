/** The money journey against gateway replicas running as processes (test/support/replicas.ts). */
import { expect } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import type { Json } from './journey.js';
import type { Replica } from './replicas.js';
import { CREATE_WISE_ACCOUNT } from './wise.js';

/** Partner KYC, verified at Wise, READY: returns the Wise profile id. */
export async function readyOn(replica: Replica, sim: Simulator, customerId = 'cust-alice'): Promise<number> {
  const account = (await replica.gql(CREATE_WISE_ACCOUNT, {}, customerId)).data.createWiseAccount;
  expect(account.__typename).toBe('WiseAccountCreated');
  const profileId = Number(account.profile.wiseProfileId);
  await fetch(`${sim.url}/__simulator/profiles/${profileId}/verification`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verified: true }) });
  await expect
    .poll(async () => (await replica.gql('{ onboardingStatus(refresh: true) { state } }', {}, customerId)).data.onboardingStatus.state, { timeout: 60_000, interval: 250 })
    .toBe('READY');
  return profileId;
}

/** A quote and a euro recipient for it. */
export async function quoteAndRecipient(replica: Replica, customerId = 'cust-alice', amount = '25'): Promise<{ quoteId: string; recipientId: string }> {
  const quote: Json = (await replica.gql(
    `mutation Q($a: Decimal!) { createQuote(input: { sourceCurrency: "GBP", targetCurrency: "EUR", sourceAmount: $a }) { __typename ... on QuoteCreated { quote { id } } ... on QuoteInvalid { code message } } }`,
    { a: amount },
    customerId,
  )).data.createQuote;
  expect(quote.__typename).toBe('QuoteCreated');
  const recipient: Json = (await replica.gql(
    `mutation R($q: ID!) { createRecipient(input: { quoteId: $q, type: "iban", accountHolderName: "Max Mustermann", values: [{ key: "legalType", value: "PRIVATE" }, { key: "IBAN", value: "DE89370400440532013000" }] }) { __typename ... on RecipientCreated { recipient { id } } } }`,
    { q: quote.quote.id },
    customerId,
  )).data.createRecipient;
  expect(recipient.__typename).toBe('RecipientCreated');
  return { quoteId: quote.quote.id, recipientId: recipient.recipient.id };
}
