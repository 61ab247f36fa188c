/** Live-state helpers: a transfer to move, and Wise's transfer webhooks signed and delivered. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { sign } from '../../src/simulator/webhooks.js';
import { sql } from './database.js';
import type { TestGateway } from './gateway.js';
import { client, CREATE_TRANSFER, euroRecipient, quote, readyCustomer } from './journey.js';

/** A transfer created at Wise for a ready customer (not funded: only webhooks move it). */
export async function aTransfer(gateway: TestGateway, customerId = 'cust-alice'): Promise<{ id: string; wiseTransferId: string }> {
  await readyCustomer(gateway, customerId);
  return anotherTransfer(gateway, customerId);
}

/** One more transfer for a customer aTransfer has made ready. */
export async function anotherTransfer(gateway: TestGateway, customerId = 'cust-alice'): Promise<{ id: string; wiseTransferId: string }> {
  const q = await quote(gateway, customerId, '100');
  const recipientId = await euroRecipient(gateway, customerId, q.id);
  const result = (await client(gateway, customerId)(CREATE_TRANSFER, { quoteId: q.id, recipientId, key: randomUUID(), details: [{ key: 'reference', value: 'rent' }] })).data.createTransfer;
  expect(result.__typename).toBe('TransferCreated');
  return result.transfer;
}

/** Wise's transfers#state-change, signed with the simulator's key; resolves once applied. */
export async function deliverState(gateway: TestGateway, wiseTransferId: string, state: string, previous: string | null, occurredAt: Date): Promise<void> {
  const body = JSON.stringify({
    data: { resource: { type: 'transfer', id: Number(wiseTransferId), profile_id: 0, account_id: 0 }, current_state: state, previous_state: previous, occurred_at: occurredAt.toISOString().replace(/\.\d+Z$/, 'Z') },
    subscription_id: randomUUID(),
    event_type: 'transfers#state-change',
    schema_version: '2.0.0',
    sent_at: new Date().toISOString(),
  });
  const deliveryId = randomUUID();
  const response = await fetch(`${gateway.url}/webhooks/wise`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-delivery-id': deliveryId, 'x-signature-sha256': sign(gateway.simulator!.core, body) }, body });
  expect(response.status).toBe(200);
  await expect.poll(async () => (await sql<{ status: string }>(gateway.databaseUrl, 'select status from webhook_inbox where delivery_id = $1', [deliveryId]))[0]?.status).not.toBe('pending');
}

/** A time `seconds` from the next whole second (Wise dates events to the second). */
export const secondsFromNow = (seconds: number) => new Date(Math.ceil(Date.now() / 1000) * 1000 + seconds * 1000);
