/**
 * Reconciliation (`npm run reconcile`, and every five minutes): the gateway's transfers, the
 * customer's money for them and Wise's transfers compared. Safe repairs are made; the rest is
 * reported for a person, with the script's exit code saying so.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from './support/database.js';
import { runGatewayCommand } from './support/gateway-process.js';
import { localId } from './support/ids.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { client, CREATE_TRANSFER, euroRecipient, FUND_TRANSFER, quote, readyCustomer, wiseUserToken, type Json } from './support/journey.js';
import { simulatorOf } from './support/wise.js';

let gateway: TestGateway;
let gql: (query: string, variables?: Record<string, unknown>) => Promise<Json>;
let profileId: number;

beforeAll(async () => {
  // Two transfers a batch: every run below reads and checks its transfers over several batches.
  gateway = await startTestGateway({ ONBOARDING_MODEL: 'partner_kyc', WISE_TIMEOUT_MS: '1500', WISE_BACKOFF_BASE_MS: '20', RECONCILE_BATCH_SIZE: '2' });
  gql = client(gateway, 'cust-alice');
  profileId = await readyCustomer(gateway);
});
afterAll(async () => {
  await gateway?.stop();
});

async function funded(recipientId?: string) {
  const q = await quote(gateway, 'cust-alice', '10');
  const recipient = recipientId ?? (await euroRecipient(gateway, 'cust-alice', q.id));
  const created = (await gql(CREATE_TRANSFER, { quoteId: q.id, recipientId: recipient, key: randomUUID() })).data.createTransfer.transfer;
  expect((await gql(FUND_TRANSFER, { id: created.id })).data.fundTransfer.__typename).toBe('TransferFunded');
  return { transfer: created, recipientId: recipient };
}

/** `npm run reconcile`, as an operator runs it, against this gateway's database. */
async function reconcile(): Promise<{ code: number | null; report: Json; stderr: string }> {
  const { code, stdout, stderr } = await runGatewayCommand(process.execPath, ['--import', '@swc-node/register/esm-register', 'scripts/reconcile.ts'], gateway.databaseUrl, {
    LOG_LEVEL: 'silent',
    RECONCILE_WAIT_MS: '90000',
  });
  return { code, report: stdout ? JSON.parse(stdout) : null, stderr };
}

const kinds = (report: Json) => report.discrepancies.map((d: { kind: string; repaired: boolean }) => `${d.kind}${d.repaired ? ' (repaired)' : ''}`).sort();

describe('npm run reconcile', () => {
  it('repairs what is safe, reports what is not, and exits 2 while something is left for a person', async () => {
    // A: Wise moved it on and the webhook never came.
    const a = await funded();
    gateway.simulator!.core.state.transfers[Number(a.transfer.wiseTransferId)].status = 'funds_converted';
    // B: the gateway's row says unfunded though the customer paid and Wise has the money.
    const b = await funded(a.recipientId);
    await sql(gateway.databaseUrl, "update transfer set funding_state = 'NOT_FUNDED' where id = $1", [localId(b.transfer.id)]);
    // C: a funding whose caller gave up: the customer is debited, Wise never heard.
    const q = await quote(gateway, 'cust-alice', '10');
    const c = (await gql(CREATE_TRANSFER, { quoteId: q.id, recipientId: a.recipientId, key: randomUUID() })).data.createTransfer.transfer;
    await simulatorOf(gateway).control('/faults', { method: 'POST', path: '/v3/profiles/:profileId/transfers/:transferId/payments', kind: 'timeout', count: 5 });
    await gql(FUND_TRANSFER, { id: c.id });
    await simulatorOf(gateway).control('/faults', undefined, 'DELETE');
    // D: a transfer made at Wise, not through the gateway.
    const token = await wiseUserToken(gateway, 'cust-alice');
    const call = async (path: string, body: unknown) =>
      (await fetch(`${gateway.wise.apiUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
    const wiseQuote = await call(`/v3/profiles/${profileId}/quotes`, { sourceCurrency: 'GBP', targetCurrency: 'EUR', sourceAmount: 5, targetAccount: Number(localId(a.recipientId)) });
    const outside = await call('/v1/transfers', { targetAccount: Number(localId(a.recipientId)), quoteUuid: wiseQuote.id, customerTransactionId: randomUUID(), details: { reference: 'elsewhere' } });
    expect(outside.id).toBeGreaterThan(0);

    // A moved a while ago (a transfer that moved within the last minute is left to its
    // webhooks) — set last, once A's own webhooks have all been applied, or a late one would
    // make it recent again.
    await expect.poll(async () => (await sql(gateway.databaseUrl, "select 1 from webhook_inbox where status = 'pending'")).length, { timeout: 120_000 }).toBe(0);
    await sql(gateway.databaseUrl, "update transfer set updated_at = now() - interval '2 minutes' where id = $1", [localId(a.transfer.id)]);
    const first = await reconcile();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(2);
    // Every transfer with recent activity was read, over more than one batch of two.
    expect(first.report.checked).toBeGreaterThan(2);
    // C is settled by whichever gets there first: this run, or the minute's sweep (the same code).
    const byKind = Object.fromEntries(first.report.discrepancies.map((d: { kind: string }) => [d.kind, d]));
    expect(kinds(first.report).filter((k: string) => !k.startsWith('FUNDING_SETTLED'))).toEqual(['LEDGER_STATE_MISMATCH', 'STATE_DRIFT (repaired)', 'UNKNOWN_AT_GATEWAY', 'WISE_FUNDED_NOT_DEBITED']);
    expect(byKind.STATE_DRIFT.transferId).toBe(localId(a.transfer.id));
    expect(byKind.WISE_FUNDED_NOT_DEBITED.transferId).toBe(localId(b.transfer.id));
    if (byKind.FUNDING_SETTLED) expect(byKind.FUNDING_SETTLED.transferId).toBe(localId(c.id));
    expect(byKind.UNKNOWN_AT_GATEWAY.wiseTransferId).toBe(outside.id);

    // What was repaired stays repaired: A now shows Wise's state, C is funded.
    const states = await sql<{ id: string; status: string; funding_state: string }>(gateway.databaseUrl, 'select id, status, funding_state from transfer where id = any($1::uuid[])', [[localId(a.transfer.id), localId(c.id)]]);
    expect(Object.fromEntries(states.map((s) => [s.id, [s.status, s.funding_state]]))).toEqual({ [localId(a.transfer.id)]: ['funds_converted', 'FUNDED'], [localId(c.id)]: ['processing', 'FUNDED'] });

    // Once a person puts B right, only what happened outside the gateway is left to report.
    await sql(gateway.databaseUrl, "update transfer set funding_state = 'FUNDED' where id = $1", [localId(b.transfer.id)]);
    const second = await reconcile();
    expect(kinds(second.report)).toEqual(['UNKNOWN_AT_GATEWAY']);
    const runs = await sql<{ unresolved: number }>(gateway.databaseUrl, 'select unresolved from reconciliation_run where request_id is not null order by started_at');
    expect(runs.map((r) => r.unresolved)).toEqual([3, 1]);
  }, 120_000);

  it("finds a movement the bank's ledger does not hold", async () => {
    const { transfer } = await funded();
    await sql(gateway.databaseUrl, "delete from ledger_entry where idempotency_key like $1", [`fund:${localId(transfer.id)}:%`]);
    const { report, code } = await reconcile();
    expect(code).toBe(2);
    expect(report.discrepancies.filter((d: { kind: string }) => d.kind === 'LEDGER_ENTRY_MISSING').map((d: { transferId: string }) => d.transferId)).toEqual([localId(transfer.id)]);
  }, 60_000);

  it('reports a transfer the gateway calls funded while Wise still waits for the money', async () => {
    const q = await quote(gateway, 'cust-alice', '10');
    const recipient = await euroRecipient(gateway, 'cust-alice', q.id);
    const created = (await gql(CREATE_TRANSFER, { quoteId: q.id, recipientId: recipient, key: randomUUID() })).data.createTransfer.transfer;
    await sql(gateway.databaseUrl, "update transfer set funding_state = 'FUNDED' where id = $1", [localId(created.id)]);
    const { report } = await reconcile();
    const about = report.discrepancies.filter((d: { transferId: string }) => d.transferId === localId(created.id)).map((d: { kind: string }) => d.kind).sort();
    expect(about).toEqual(['FUNDED_HERE_NOT_AT_WISE', 'LEDGER_STATE_MISMATCH']);
  }, 60_000);
});
