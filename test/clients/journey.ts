/**
 * The journey a bank frontend makes, driven through a real GraphQL client: onboarding → quote →
 * recipient form → transfer → pushed states → paginated history. It watches queries the way a
 * screen does and asserts that every change arrives in the client's normalised cache from a
 * mutation result or a push — each watched query goes to the network once, never again.
 */
import { expect } from 'vitest';
import type { TestGateway } from '../support/gateway.js';
import { simulateState } from '../support/journey.js';
import { type OPERATIONS } from './operations.js';

 
type Json = any;
export type Operation = keyof typeof OPERATIONS;

/** What the journey needs of a client; each test adapts its client to it. */
export type ClientUnderTest = {
  /** A query kept on screen: `latest()` is what the client's cache says now. */
  watch(operation: Operation, variables?: Record<string, unknown>): { latest(): Json };
  query(operation: Operation, variables?: Record<string, unknown>): Promise<Json>;
  mutate(operation: Operation, variables?: Record<string, unknown>): Promise<Json>;
  subscribe(operation: Operation, variables?: Record<string, unknown>): { received: Json[] };
  /** The next page of a watched History query, as the client paginates. */
  nextPage(after: string): Promise<void>;
  /** Every HTTP request the client sent: its operation name and method. */
  requests: { operationName: string; method: string }[];
};

/** Waits for a condition; generous, because a busy machine is slow, not wrong. */
const eventually = (read: () => unknown) => expect.poll(read, { timeout: 90_000, interval: 50 });

const sentTimes = (client: ClientUnderTest, operationName: string) => client.requests.filter((r) => r.operationName === operationName).length;

/** HTTP requests of a client: the operation name from a POST body or a GET's query string. */
export function recordingFetch(requests: ClientUnderTest['requests']): typeof fetch {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? 'GET').toUpperCase();
    const operationName = method === 'GET' ? (url.searchParams.get('operationName') ?? '') : (JSON.parse(String(init?.body ?? '{}')).operationName ?? '');
    requests.push({ operationName, method });
    return fetch(input, init);
  };
}

export async function runJourney(gateway: TestGateway, client: ClientUnderTest): Promise<void> {
  // Onboarding: the status on screen follows the mutation result, then Wise's verification push.
  const status = client.watch('OnboardingStatus');
  await eventually(() => status.latest()?.onboardingStatus?.state).toBe('NOT_LINKED');
  const onboardingPushes = client.subscribe('OnboardingStatusChanged', { after: '0' });
  const created = (await client.mutate('CreateWiseAccount')).createWiseAccount;
  expect(created.__typename).toBe('WiseAccountCreated');
  await eventually(() => status.latest().onboardingStatus.state).toBe('PENDING_VERIFICATION');
  expect(status.latest().onboardingStatus.id).toBe(created.onboardingStatus.id);

  await fetch(`${gateway.wise.apiUrl}/__simulator/profiles/${created.profile.wiseProfileId}/verification`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ verified: true }),
  });
  await eventually(() => status.latest().onboardingStatus.state).toBe('READY');
  expect(onboardingPushes.received.at(-1).onboardingStatusChanged.state).toBe('READY');
  expect(sentTimes(client, 'OnboardingStatus')).toBe(1);

  // The customer's money at the bank, through the ledger port.
  const accounts = (await client.query('BankAccounts')).viewer.bankAccounts;
  expect(accounts).toContainEqual(expect.objectContaining({ currency: 'GBP', availableBalance: expect.objectContaining({ amount: '5000.00', currency: 'GBP' }) }));

  // Quote → recipient form → recipient → transfer form → transfer.
  const quoted = (await client.mutate('CreateQuote', { input: { sourceCurrency: 'GBP', targetCurrency: 'EUR', sourceAmount: '100' } })).createQuote;
  expect(quoted.__typename).toBe('QuoteCreated');
  const quote = quoted.quote;
  const form = (await client.query('RecipientForm', { quoteId: quote.id })).recipientForm;
  const iban = form.options.find((o: Json) => o.type === 'iban');
  expect(iban.fields.map((f: Json) => f.key)).toContain('IBAN');
  const invalid = (await client.mutate('CreateRecipient', { input: { quoteId: quote.id, type: 'iban', accountHolderName: 'Max Mustermann', values: [{ key: 'legalType', value: 'PRIVATE' }] } })).createRecipient;
  expect(invalid).toMatchObject({ __typename: 'RecipientInvalid', code: 'INVALID_INPUT' });
  const recipient = (
    await client.mutate('CreateRecipient', {
      input: { quoteId: quote.id, type: 'iban', accountHolderName: 'Max Mustermann', values: [{ key: 'legalType', value: 'PRIVATE' }, { key: 'IBAN', value: 'DE89370400440532013000' }] },
    })
  ).createRecipient.recipient;
  const transferForm = (await client.query('TransferForm', { quoteId: quote.id, recipientId: recipient.id })).transferForm;
  expect(transferForm.fields.map((f: Json) => f.key)).toContain('reference');
  const transfer = (await client.mutate('CreateTransfer', { input: { quoteId: quote.id, recipientId: recipient.id, idempotencyKey: `journey-${Date.now()}`, values: [{ key: 'reference', value: 'rent' }] } }))
    .createTransfer.transfer;
  expect(transfer).toMatchObject({ status: 'INCOMING_PAYMENT_WAITING', funding: 'NOT_FUNDED' });

  // The transfer on screen: funding comes from the mutation result, every later state from pushes.
  const onScreen = client.watch('Transfer', { id: transfer.id });
  await eventually(() => onScreen.latest()?.transfer?.status).toBe('INCOMING_PAYMENT_WAITING');
  const transferPushes = client.subscribe('TransferStatusChanged', { after: '0' });
  const funded = (await client.mutate('FundTransfer', { input: { transferId: transfer.id } })).fundTransfer;
  expect(funded.__typename).toBe('TransferFunded');
  await eventually(() => onScreen.latest().transfer.funding).toBe('FUNDED');
  const wiseTransferId = await wiseTransferIdOf(gateway, transfer.id);
  for (const state of ['processing', 'funds_converted', 'outgoing_payment_sent']) await simulateState(gateway, 'cust-alice', wiseTransferId, state);
  await eventually(() => onScreen.latest().transfer.status).toBe('OUTGOING_PAYMENT_SENT');
  expect(onScreen.latest().transfer.statusLabel).toBe('Sent');
  expect(transferPushes.received.map((p: Json) => p.transferStatusChanged.status)).toContain('FUNDS_CONVERTED');
  expect(sentTimes(client, 'Transfer')).toBe(1);

  // A second transfer, then the history one page at a time.
  const second = (await client.mutate('CreateQuote', { input: { sourceCurrency: 'GBP', targetCurrency: 'EUR', sourceAmount: '20' } })).createQuote.quote;
  const secondTransfer = (await client.mutate('CreateTransfer', { input: { quoteId: second.id, recipientId: recipient.id, idempotencyKey: `journey-2-${Date.now()}`, values: [{ key: 'reference', value: 'gift' }] } }))
    .createTransfer.transfer;
  const history = client.watch('History', { first: 1 });
  await eventually(() => history.latest()?.transfers?.edges?.length).toBe(1);
  expect(history.latest().transfers.edges[0].node.id).toBe(secondTransfer.id);
  expect(history.latest().transfers.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  await client.nextPage(history.latest().transfers.pageInfo.endCursor);
  await eventually(() => history.latest().transfers.edges.map((e: Json) => e.node.id)).toEqual([secondTransfer.id, transfer.id]);
  expect(history.latest().transfers.edges[1].node.status).toBe('OUTGOING_PAYMENT_SENT');

  // Nothing was fetched again to bring a screen up to date.
  expect(sentTimes(client, 'OnboardingStatus')).toBe(1);
  expect(sentTimes(client, 'Transfer')).toBe(1);
}

async function wiseTransferIdOf(gateway: TestGateway, transferId: string): Promise<string> {
  const { body } = await gateway.graphql('query W($id: ID!) { transfer(id: $id) { wiseTransferId } }', { variables: { id: transferId } });
  return body.data.transfer.wiseTransferId;
}
