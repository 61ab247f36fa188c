/**
 * The money harness: random interleavings of creating, funding, approving SCA, cancelling,
 * Wise moving the transfer on (webhooks), every fault kind at Wise and SIGKILLs, over two
 * gateway processes on one database — each run checked against an oracle: Wise's own state (the
 * simulator, in this process), the bank's ledger and the gateway's rows.
 *
 * The oracle, per transfer, after the run has settled (faults cleared, dead replicas restarted,
 * the sweep run, webhooks delivered):
 * - Wise holds one transfer for the idempotency key (never two);
 * - the customer's net movement is one debit exactly when Wise has the money (funded and not
 *   cancelled or refunded), otherwise nothing — no money created, lost or moved twice;
 * - no row is left DEBITED or PENDING; FUNDED here exactly when funded at Wise.
 */
import { globalId, localId } from '../support/ids.js';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from '../support/database.js';
import { CANCEL_TRANSFER, CREATE_TRANSFER, FUND_TRANSFER, type Json } from '../support/journey.js';
import { kill, startReplica, type Replica } from '../support/replicas.js';
import type { Simulator } from '../../src/simulator/server.js';

export const PATHS = {
  fund: { method: 'POST', path: '/v3/profiles/:profileId/transfers/:transferId/payments' },
  cancel: { method: 'PUT', path: '/v1/transfers/:transferId/cancel' },
  create: { method: 'POST', path: '/v1/transfers' },
  patch: { method: 'PATCH', path: '/v3/profiles/:profileId/quotes/:quoteId' },
} as const;
export const FAULTS = ['status', 'rate_limit', 'timeout', 'drop', 'lose_response', 'delay_response', 'delay_request'] as const;

export type Action =
  | { kind: 'create'; replica: number }
  | { kind: 'fund'; replica: number; approve: boolean }
  | { kind: 'cancel'; replica: number }
  | { kind: 'fault'; on: keyof typeof PATHS; fault: (typeof FAULTS)[number]; count: number; slow: boolean }
  | { kind: 'sca'; required: boolean }
  | { kind: 'wise'; move: 'advance' | 'refund' | 'cancel' }
  | { kind: 'kill'; replica: number; afterMs: number };

/** One step: its faults are armed first, then its other actions run at the same time. */
export type Scenario = { amount: number; sca: boolean; steps: Action[][] };

const replicaArb = fc.integer({ min: 0, max: 1 });
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), replica: replicaArb }) },
  // A customer who was challenged mostly approves.
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('fund' as const), replica: replicaArb, approve: fc.constantFrom(true, true, true, false) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), replica: replicaArb }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('fault' as const),
      on: fc.constantFrom<keyof typeof PATHS>('fund', 'fund', 'fund', 'fund', 'fund', 'cancel', 'create', 'patch'),
      // Weighted to the faults that leave an outcome unknown: the ones money is lost to.
      fault: fc.constantFrom<(typeof FAULTS)[number]>(...FAULTS, 'lose_response', 'delay_request', 'delay_request', 'timeout'),
      // More than the client's retries, sometimes; and delays past its timeout, sometimes.
      count: fc.integer({ min: 1, max: 4 }),
      slow: fc.constantFrom(true, true, false),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sca' as const), required: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wise' as const), move: fc.constantFrom('advance' as const, 'refund' as const, 'cancel' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('kill' as const), replica: replicaArb, afterMs: fc.integer({ min: 0, max: 1500 }) }) },
);
export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  amount: fc.integer({ min: 1, max: 40 }),
  sca: fc.boolean(),
  steps: fc.array(fc.array(actionArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
});

/**
 * The interleavings money was once lost or created in (issue #13's findings), played before the
 * random ones on every run — so a regression of any of them fails `npm test` every time, not
 * only when chance finds it again.
 */
export const KNOWN_SCENARIOS: Scenario[] = [
  // fundTransfer and cancelTransfer at once, Wise slow to answer the funding: credited twice.
  { amount: 10, sca: false, steps: [[{ kind: 'fault', on: 'fund', fault: 'delay_request', count: 1, slow: false }, { kind: 'fund', replica: 0, approve: true }, { kind: 'cancel', replica: 1 }]] },
  // Two fundTransfer calls on two replicas while the first answer is delayed: debited twice.
  { amount: 10, sca: false, steps: [[{ kind: 'fault', on: 'fund', fault: 'delay_response', count: 1, slow: true }, { kind: 'fund', replica: 0, approve: true }, { kind: 'fund', replica: 1, approve: true }]] },
  // An approved SCA funding whose answer is lost, retried (a fresh challenge): given back while Wise pays out.
  { amount: 10, sca: true, steps: [[{ kind: 'fund', replica: 0, approve: true }], [{ kind: 'fault', on: 'fund', fault: 'lose_response', count: 1, slow: false }, { kind: 'fund', replica: 0, approve: true }]] },
  // The first attempt waits at Wise past the gateway's patience, the client's retry meets an SCA
  // challenge and the money went back; Wise then did the first attempt once SCA was off (found by
  // the long run, seed 23002): paid at Wise, given back here.
  {
    amount: 1,
    sca: true,
    steps: [
      [{ kind: 'fault', on: 'fund', fault: 'delay_request', count: 2, slow: true }, { kind: 'fund', replica: 1, approve: true }],
      [{ kind: 'create', replica: 0 }, { kind: 'create', replica: 1 }],
      [{ kind: 'fund', replica: 1, approve: false }, { kind: 'fault', on: 'fund', fault: 'lose_response', count: 2, slow: true }],
      [{ kind: 'fund', replica: 1, approve: false }, { kind: 'fund', replica: 1, approve: true }, { kind: 'fund', replica: 0, approve: false }, { kind: 'fund', replica: 0, approve: true }],
    ],
  },
  // A crash after the debit, before Wise funds: left debited for ever.
  { amount: 10, sca: false, steps: [[{ kind: 'fault', on: 'fund', fault: 'delay_request', count: 1, slow: true }, { kind: 'fund', replica: 0, approve: true }, { kind: 'kill', replica: 0, afterMs: 300 }]] },
];

export type Outcome = { internalErrors: number; wiseTransfers: number; wiseFunded: boolean; wiseStatus: string | null; net: number; expectedNet: number; fundingState: string | null; creationState: string | null };

export class MoneyHarness {
  replicas: (Replica | null)[] = [null, null];
  private scaKey = '';

  constructor(
    private readonly sim: Simulator,
    private readonly databaseUrl: string,
    private readonly profileId: () => number,
  ) {}

  async start(scaPrivateKeyPem: string): Promise<void> {
    this.scaKey = scaPrivateKeyPem;
    await Promise.all([0, 1].map((i) => this.restart(i)));
  }

  async stop(): Promise<void> {
    for (const replica of this.replicas) if (replica) await kill(replica.child);
  }

  private async restart(index: number): Promise<Replica> {
    const replica = await startReplica({
      sim: this.sim,
      databaseUrl: this.databaseUrl,
      clientId: 'money-client',
      clientSecret: 'money-secret',
      env: {
        WISE_SCA_PRIVATE_KEY: this.scaKey.replace(/\n/g, '\\n'),
        WISE_TIMEOUT_MS: '1500',
        WISE_BACKOFF_BASE_MS: '20',
        WISE_MAX_RETRIES: '2',
        // One customer plays every run, far faster than a person: the abuse limits would end a long run.
        RATE_LIMIT_PER_CUSTOMER_PER_MINUTE: '0',
        WISE_CALLS_PER_CUSTOMER_PER_MINUTE: '0',
      },
    });
    this.replicas[index] = replica;
    return replica;
  }

  gql(index: number, query: string, variables: Record<string, unknown>): Promise<Json> {
    const replica = this.replicas[index];
    if (!replica) return Promise.reject(new Error('replica down'));
    return replica.gql(query, variables);
  }

  private arm(action: Extract<Action, { kind: 'fault' }>) {
    const { on, fault } = action;
    this.sim.core.addFault({
      ...PATHS[on],
      remaining: action.count,
      kind: fault,
      status: fault === 'status' ? 503 : undefined,
      retryAfterSeconds: fault === 'rate_limit' ? 0 : undefined,
      // The replicas wait 1.5 s for Wise (WISE_TIMEOUT_MS): a slow delay outlasts that.
      delayMs: fault === 'delay_response' || fault === 'delay_request' ? (action.slow ? 4000 : 800) : undefined,
    });
  }

  /** Plays one scenario on a fresh transfer and returns what the oracle compares. */
  async play(scenario: Scenario, quoteId: string, recipientId: string, log: string[]): Promise<{ key: string; transferId: string | null; internalErrors: number }> {
    const key = randomUUID();
    let internalErrors = 0;
    // A race is the gateway's to resolve: a customer never sees INTERNAL_SERVER_ERROR for one.
    const count = (body: Json) => {
      if (body?.errors?.some((e: { extensions?: { code?: string } }) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')) {
        internalErrors += 1;
        log.push(`  INTERNAL_SERVER_ERROR: ${JSON.stringify(body.errors)}`);
      }
      return body;
    };
    this.sim.core.state.profiles[this.profileId()].scaRequired = scenario.sca;
    const variables = { quoteId, recipientId, key };
    let transferId: string | null = null;
    let wiseTransferId: number | null = null;
    let ott: string | null = null;
    const remember = (body: Json) => {
      const result = body?.data?.createTransfer;
      if (result?.__typename === 'TransferCreated') {
        // Rows are looked up by the local id; GraphQL takes the global one.
        transferId = localId(result.transfer.id);
        wiseTransferId = Number(result.transfer.wiseTransferId);
      }
    };
    // The creation itself may meet a fault armed by an earlier step of the scenario: retried below.
    remember(count(await this.gql(0, CREATE_TRANSFER, variables).catch(() => null)));

    for (const [i, step] of scenario.steps.entries()) {
      const killed: number[] = [];
      for (const action of step) if (action.kind === 'fault') this.arm(action);
      await Promise.allSettled(
        step.map(async (action) => {
          switch (action.kind) {
            case 'create':
              return remember(count(await this.gql(action.replica, CREATE_TRANSFER, variables)));
            case 'fund': {
              if (!transferId) return;
              const approval = action.approve ? ott : null;
              let body = count(await this.gql(action.replica, FUND_TRANSFER, { id: globalId('Transfer', transferId), ott: approval }));
              log.push(`  step ${i} fund(${action.replica}${approval ? ', approved' : ''}) → ${body?.data?.fundTransfer?.__typename ?? body?.errors?.[0]?.extensions?.code}`);
              // As apps do: Wise did not answer, so the customer taps "pay" again at once (the app
              // starts the payment over, without the one-time token it had).
              if (body?.errors?.[0]?.extensions?.code === 'UPSTREAM_UNAVAILABLE') {
                body = count(await this.gql(action.replica, FUND_TRANSFER, { id: globalId('Transfer', transferId), ott: null }));
                log.push(`  step ${i} fund(${action.replica}) retried → ${body?.data?.fundTransfer?.__typename ?? body?.errors?.[0]?.extensions?.code}`);
              }
              const result = body?.data?.fundTransfer;
              if (result?.__typename === 'ScaRequired') ott = result.oneTimeToken;
              return;
            }
            case 'cancel': {
              if (!transferId) return;
              const body = count(await this.gql(action.replica, CANCEL_TRANSFER, { id: globalId('Transfer', transferId) }));
              log.push(`  step ${i} cancel(${action.replica}) → ${body?.data?.cancelTransfer?.__typename ?? body?.errors?.[0]?.extensions?.code}`);
              return;
            }
            case 'fault':
              return; // armed above, before the step's calls
            case 'sca':
              this.sim.core.state.profiles[this.profileId()].scaRequired = action.required;
              return;
            case 'wise':
              return this.moveAtWise(wiseTransferId, action.move);
            case 'kill': {
              await new Promise((r) => setTimeout(r, action.afterMs));
              const replica = this.replicas[action.replica];
              if (!replica) return;
              this.replicas[action.replica] = null;
              killed.push(action.replica);
              log.push(`  step ${i} kill(${action.replica}) after ${action.afterMs} ms`);
              return kill(replica.child);
            }
          }
        }),
      );
      for (const index of killed) await this.restart(index);
    }
    // However the scenario went, the customer's app retries creating until it has an answer.
    for (let attempt = 0; !transferId && attempt < 5; attempt++) {
      this.sim.core.faults = [];
      remember(count(await this.gql(attempt % 2, CREATE_TRANSFER, variables).catch(() => null)));
    }
    return { key, transferId, internalErrors };
  }

  /** Wise moves the transfer as it would: only a funded transfer is processed or refunded. */
  private moveAtWise(wiseTransferId: number | null, move: 'advance' | 'refund' | 'cancel') {
    if (wiseTransferId === null) return;
    const transfer = this.sim.core.state.transfers[wiseTransferId];
    if (!transfer) return;
    const next: Record<string, string> = { processing: 'funds_converted', funds_converted: 'outgoing_payment_sent' };
    if (move === 'advance' && transfer.funded && next[transfer.status]) this.sim.core.moveTransfer(transfer, next[transfer.status]);
    if (move === 'refund' && transfer.funded && ['processing', 'funds_converted', 'cancelled'].includes(transfer.status)) this.sim.core.moveTransfer(transfer, 'funds_refunded');
    if (move === 'cancel' && ['incoming_payment_waiting', 'processing'].includes(transfer.status)) this.sim.core.moveTransfer(transfer, 'cancelled');
  }

  /**
   * Lets everything settle as production would: faults gone, SCA off, both replicas up, the
   * sweep run (with its interrupted-work threshold passed), webhooks delivered and applied.
   */
  async settle(transferId: string | null): Promise<void> {
    this.sim.core.faults = [];
    this.sim.core.state.profiles[this.profileId()].scaRequired = false;
    for (const index of [0, 1]) if (!this.replicas[index]) await this.restart(index);
    // A webhook may have gone to a replica that was being killed: the sweep re-reads the
    // transfer from Wise, as it does for any transfer whose webhooks stopped.
    if (transferId) await sql(this.databaseUrl, "update transfer set synced_at = now() - interval '1 hour' where id = $1", [transferId]);
    for (let round = 0; round < 3; round++) {
      await sql(this.databaseUrl, "update transfer set funding_started_at = funding_started_at - interval '1 hour' where funding_state = 'DEBITED'");
      await sql(this.databaseUrl, "update transfer set created_at = created_at - interval '1 hour' where creation_state = 'PENDING'");
      const [{ id }] = await sql<{ id: string }>(this.databaseUrl, "select (graphile_worker.add_job('sweep_transfers')).id::text as id");
      await waitFor(async () => (await sql(this.databaseUrl, 'select 1 from graphile_worker._private_jobs where id = $1', [id])).length === 0, 'the sweep job to run');
      await waitFor(async () => (await sql(this.databaseUrl, "select 1 from webhook_inbox where status = 'pending'")).length === 0, 'webhooks to be applied');
      const open = transferId ? await sql(this.databaseUrl, "select 1 from transfer where id = $1 and (funding_state = 'DEBITED' or creation_state = 'PENDING')", [transferId]) : [];
      if (!open.length) break;
    }
  }

  async outcome(key: string, transferId: string | null, internalErrors: number): Promise<Outcome> {
    const [row] = transferId
      ? await sql<{ customer_transaction_id: string; funding_state: string; creation_state: string; source_amount: string }>(
          this.databaseUrl,
          'select customer_transaction_id, funding_state, creation_state, source_amount from transfer where id = $1',
          [transferId],
        )
      : await sql<{ customer_transaction_id: string; funding_state: string; creation_state: string; source_amount: string }>(
          this.databaseUrl,
          "select customer_transaction_id, funding_state, creation_state, source_amount from transfer where idempotency_key = $1 and customer_id = 'cust-alice'",
          [key],
        );
    const atWise = row ? Object.values(this.sim.core.state.transfers).filter((t) => t.customerTransactionId === row.customer_transaction_id) : [];
    const wise = atWise[0];
    const id = transferId ?? (row ? (await sql<{ id: string }>(this.databaseUrl, 'select id from transfer where idempotency_key = $1', [key]))[0]?.id : null);
    const [{ net }] = id
      ? await sql<{ net: string }>(this.databaseUrl, "select coalesce(sum(amount), 0)::text as net from ledger_entry where idempotency_key like '%' || $1 || '%'", [id])
      : [{ net: '0' }];
    const wiseHasTheMoney = !!wise?.funded && !['cancelled', 'funds_refunded'].includes(wise.status);
    return {
      internalErrors,
      wiseTransfers: atWise.length,
      wiseFunded: !!wise?.funded,
      wiseStatus: wise?.status ?? null,
      net: Number(net),
      expectedNet: wiseHasTheMoney ? -Number(row?.source_amount ?? 0) : 0,
      fundingState: row?.funding_state ?? null,
      creationState: row?.creation_state ?? null,
    };
  }
}

/** Every way the oracle can be unhappy with one run, in words (empty when all is well). */
export function violations(o: Outcome): string[] {
  const found: string[] = [];
  if (o.internalErrors > 0) found.push(`${o.internalErrors} answers were INTERNAL_SERVER_ERROR`);
  if (o.wiseTransfers > 1) found.push(`${o.wiseTransfers} transfers at Wise for one idempotency key`);
  if (o.net < o.expectedNet) found.push(`money lost for the customer: net ${o.net}, expected ${o.expectedNet}`);
  if (o.net > o.expectedNet) found.push(`money created for the customer (the bank pays): net ${o.net}, expected ${o.expectedNet}`);
  if (o.fundingState === 'DEBITED') found.push('left DEBITED after the sweep');
  if (o.creationState === 'PENDING') found.push('left PENDING after the sweep');
  const wiseHasTheMoney = o.expectedNet !== 0;
  if (wiseHasTheMoney && o.fundingState !== 'FUNDED') found.push(`funded at Wise (${o.wiseStatus}) but ${o.fundingState} here`);
  if (!o.wiseFunded && o.fundingState === 'FUNDED') found.push('FUNDED here but not at Wise');
  return found;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
