/**
 * Steps of the money journey through GraphQL, shared by the transfer tests and benchmarks.
 */
import { WiseLink } from '../../src/entities/WiseLink.js';
import type { TestGateway } from './gateway.js';
import { CREATE_WISE_ACCOUNT, ONBOARDING_STATUS } from './wise.js';

 
export type Json = any;

export const TRANSFER_FIELDS = `id wiseTransferId status wiseStatus statusLabel funding refunded reference
  sourceAmount { amount currency } targetAmount { amount currency } fee { amount currency } rate`;

export const CREATE_TRANSFER = `mutation T($quoteId: ID!, $recipientId: ID!, $key: String!, $details: [FieldValueInput!]) {
  createTransfer(input: { quoteId: $quoteId, recipientId: $recipientId, idempotencyKey: $key, values: $details }) {
    __typename
    ... on TransferCreated { transfer { ${TRANSFER_FIELDS} } }
    ... on VerificationRequired { message maximumEntitledAmount { amount currency } }
    ... on QuoteNotUsable { quoteId reason }
    ... on InsufficientFunds { available { amount currency } required { amount currency } }
    ... on TransferInvalid { fieldErrors { path code message } }
    ... on IdempotencyKeyReused { message }
    ... on UserError { code field }
  }
}`;

export const FUND_TRANSFER = `mutation F($id: ID!, $ott: String) { fundTransfer(input: { transferId: $id, oneTimeToken: $ott }) {
  __typename
  ... on TransferFunded { transfer { ${TRANSFER_FIELDS} } }
  ... on ScaRequired { oneTimeToken transfer { funding } }
  ... on FundingRejected { reason message transfer { funding } }
  ... on InsufficientFunds { available { amount } required { amount } }
} }`;

export const CANCEL_TRANSFER = `mutation C($id: ID!) { cancelTransfer(input: { transferId: $id }) {
  __typename
  ... on TransferCancelled { transfer { status refunded } }
  ... on TransferNotCancellable { message transfer { status } }
} }`;

export const TRANSFER = `query T($id: ID!) { transfer(id: $id) { ${TRANSFER_FIELDS} history { status occurredAt } } }`;

export function client(gateway: TestGateway, customerId: string) {
  return async (query: string, variables: Record<string, unknown> = {}): Promise<Json> => {
    const { body } = await gateway.graphql(query, { customerId, variables });
    return body;
  };
}

/** Partner KYC, then Wise verifies the profile (webhook), then READY. */
export async function readyCustomer(gateway: TestGateway, customerId = 'cust-alice'): Promise<number> {
  const gql = client(gateway, customerId);
  const created = (await gql(CREATE_WISE_ACCOUNT)).data.createWiseAccount;
  if (created.__typename !== 'WiseAccountCreated') throw new Error(`onboarding failed: ${JSON.stringify(created)}`);
  const profileId = Number(created.profile.wiseProfileId);
  await fetch(`${gateway.wise.apiUrl}/__simulator/profiles/${profileId}/verification`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ verified: true }),
  });
  for (let i = 0; i < 100; i++) {
    const status = (await gql(ONBOARDING_STATUS, { refresh: i % 10 === 9 })).data.onboardingStatus;
    if (status.state === 'READY') return profileId;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('customer never became READY');
}

export async function quote(gateway: TestGateway, customerId: string, amount = '100', target = 'EUR', source = 'GBP'): Promise<Json> {
  const body = await client(gateway, customerId)(
    `mutation Q($input: CreateQuoteInput!) { createQuote(input: $input) { __typename ... on QuoteCreated { quote { id wiseQuoteId sourceAmount { amount currency } } } ... on QuoteInvalid { code message field } } }`,
    { input: { sourceCurrency: source, targetCurrency: target, sourceAmount: amount } },
  );
  if (body.errors || body.data.createQuote.__typename !== 'QuoteCreated') throw new Error(JSON.stringify(body));
  return body.data.createQuote.quote;
}

export async function euroRecipient(gateway: TestGateway, customerId: string, quoteId: string): Promise<string> {
  const body = await client(gateway, customerId)(
    `mutation R($input: CreateRecipientInput!) { createRecipient(input: $input) { __typename ... on RecipientCreated { recipient { id } } ... on RecipientInvalid { fieldErrors { path code } } } }`,
    { input: { quoteId, type: 'iban', accountHolderName: 'Max Mustermann', values: [{ key: 'legalType', value: 'PRIVATE' }, { key: 'IBAN', value: 'DE89370400440532013000' }] } },
  );
  if (body.data?.createRecipient?.__typename !== 'RecipientCreated') throw new Error(JSON.stringify(body));
  return body.data.createRecipient.recipient.id;
}

/** The customer's Wise access token, as the bank's test harness would use for sandbox simulations. */
export async function wiseUserToken(gateway: TestGateway, customerId: string): Promise<string> {
  const link = await gateway.orm.em.fork().findOneOrFail(WiseLink, { customerId, status: 'LINKED' });
  return gateway.tokens.accessToken(link);
}

/** Wise's sandbox simulation: GET /v1/simulation/transfers/{id}/{state}. */
export async function simulateState(gateway: TestGateway, customerId: string, wiseTransferId: string, state: string): Promise<Json> {
  const response = await fetch(`${gateway.wise.apiUrl}/v1/simulation/transfers/${wiseTransferId}/${state}`, {
    headers: { authorization: `Bearer ${await wiseUserToken(gateway, customerId)}` },
  });
  return response.json();
}

export async function bankBalance(gateway: TestGateway, customerId: string, currency: string): Promise<string> {
  const { sql } = await import('./database.js');
  const [row] = await sql<{ balance: string }>(gateway.databaseUrl, 'select balance from bank_account where customer_id = $1 and currency = $2', [customerId, currency]);
  return row?.balance;
}
