/**
 * Funding and cancelling a transfer: the one place the bank customer's money is taken for a
 * transfer or given back because Wise did not take it.
 *
 * The funding state machine (`transfer.funding_state`), decided under the transfer's money
 * lock (`TransferLocks`) from the stored state, each step committed under the row lock:
 *
 *   NOT_FUNDED ──debit──▶ DEBITED ──Wise: COMPLETED, or Wise's transfer shows it funded──▶ FUNDED
 *       ▲                   │
 *       │                   ├─Wise: SCA challenge, transfer unfunded──▶ given back ─▶ NOT_FUNDED (+ one-time token)
 *       │                   ├─Wise: refused, transfer unfunded──▶ given back ─▶ REJECTED (fundable again)
 *       └───────────────────┴─no answer (timeout, 5xx, lost)──▶ stays DEBITED: the outcome is unknown
 *
 * An outcome Wise has not confirmed is unknown, and the money stays where it is until Wise,
 * asked (the transfer read), says whether it took it: a refusal of *this* call does not prove
 * that an earlier call, whose answer was lost, did not fund it. Nor does the read, while that
 * earlier call may still be running at Wise: so when a funding was already DEBITED before the
 * call being answered (its earlier outcome unknown), or when an attempt of this same call got
 * no answer before Wise refused a retry (Wise may still be working on that first request), a
 * refusal gives the money back only once
 * Wise shows the transfer cancelled, or once UNKNOWN_OUTCOME_QUARANTINE_MS have passed since the
 * debit — far longer than any call can take. Until then the money stays held: an SCA challenge
 * is passed on with the money still debited, and the sweep only reads the transfer.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ledgerTransaction } from '../db/ledger-transaction.js';
import { Quote } from '../entities/Quote.js';
import { Transfer, type FundingState } from '../entities/Transfer.js';
import type { WiseLink } from '../entities/WiseLink.js';
import type { Logger } from '../logger.js';
import type { WiseApi } from '../wise/api.js';
import type { FundingResult, WiseTransfer } from '../wise/objects.js';
import { WiseError } from '../wise/errors.js';
import type { DomainEvent } from './events.js';
import type { Ledger } from '../ports/ledger.js';
import { amountString } from '../domain/money.js';
import type { TransferLocks } from './transfer-locks.js';
import type { TransferMoney } from './transfer-money.js';
import type { TransferStates } from './transfer-states.js';
import type { WiseTokens } from './wise-tokens.js';
import { GatewayError } from '../domain/errors.js';

/** The only state in which Wise has not taken the money and still would. */
const FUNDABLE_AT_WISE = 'incoming_payment_waiting';
/** Not funded, and never will be. Any other state means Wise has (or had) the money. */
const UNFUNDED_FOR_GOOD = 'cancelled';

const HELD = 'The money stays debited until Wise confirms an earlier attempt did not go through.';

/** Wise refused this call: a definite answer about the call, not about the transfer. */
const REFUSALS = new Set(['SCA_REQUIRED', 'FORBIDDEN', 'VALIDATION', 'CONFLICT']);

/** How long a funding call whose answer never came might still be running at Wise, at most. */
export const UNKNOWN_OUTCOME_QUARANTINE_MS = 10 * 60_000;

/**
 * A DEBITED funding (or PENDING creation) older than this, with no operation holding its lock,
 * was interrupted. The lock is what tells; the few seconds only leave a caller who is about to
 * retry the first go.
 */
export const INTERRUPTED_FUNDING_AFTER_MS = 5_000;

export type FundTransferResult =
  | { kind: 'funded'; transfer: Transfer }
  | { kind: 'sca_required'; transfer: Transfer; oneTimeToken: string }
  | { kind: 'rejected'; transfer: Transfer; reason: string; message: string }
  | { kind: 'insufficient_funds'; transfer: Transfer; available: string | null; required: string; currency: string };

export type CancelTransferResult = { kind: 'cancelled'; transfer: Transfer } | { kind: 'not_cancellable'; transfer: Transfer; message: string };

type Deps = {
  api: WiseApi;
  tokens: WiseTokens;
  ledger: Ledger;
  money: TransferMoney;
  states: TransferStates;
  locks: TransferLocks;
  logger: Logger;
  signOneTimeToken?: (token: string) => string;
  linkFor: (em: EntityManager, transfer: Transfer) => Promise<WiseLink>;
  /** Reads the transfer from Wise and applies its state (under the lock the caller holds). */
  refreshFromWise: (em: EntityManager, transfer: Transfer, link?: WiseLink) => Promise<void>;
  publish: (events: DomainEvent[]) => Promise<void>;
};

export class TransferFunding {
  constructor(private readonly deps: Deps) {}

  // ---- funding -------------------------------------------------------------------------------

  async fund(em: EntityManager, transferId: string, oneTimeToken: string | null): Promise<FundTransferResult> {
    return this.deps.locks.run(transferId, async () => {
      const transfer = await em.findOneOrFail(Transfer, transferId, { refresh: true });
      if (transfer.creationState !== 'CREATED') throw new GatewayError('INVALID_INPUT', 'Wise has not created this transfer yet; repeat createTransfer with the same idempotency key', { field: 'transferId' });
      if (transfer.fundingState === 'FUNDED') return { kind: 'funded', transfer };
      if (oneTimeToken && !this.deps.signOneTimeToken) throw new GatewayError('INVALID_INPUT', 'This gateway has no SCA signing key (WISE_SCA_PRIVATE_KEY)', { field: 'oneTimeToken' });
      if (oneTimeToken && oneTimeToken !== transfer.scaOneTimeToken) throw new GatewayError('INVALID_INPUT', 'This one-time token is not the one Wise issued for this transfer', { field: 'oneTimeToken' });
      // Whether an earlier call, whose outcome is unknown, may still fund it at Wise.
      const carriedOver = transfer.fundingState === 'DEBITED';
      if (!carriedOver) {
        if (transfer.status !== FUNDABLE_AT_WISE) return { kind: 'rejected', transfer, reason: 'NOT_FUNDABLE', message: `The transfer is ${transfer.status}.` };
        const debited = await this.debit(em, transfer);
        if (debited) return debited;
      }
      return this.askWise(em, transfer, oneTimeToken, carriedOver);
    });
  }

  /** NOT_FUNDED/REJECTED → DEBITED, the debit committed before Wise is asked; or why not. */
  private async debit(em: EntityManager, transfer: Transfer): Promise<FundTransferResult | null> {
    const refused = await em.transactional(async (tx) => {
      const locked = await tx.findOneOrFail(Transfer, transfer.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      // Decided again under the row lock: a webhook may have cancelled it since it was read.
      if (locked.status !== FUNDABLE_AT_WISE || locked.fundingState === 'DEBITED' || locked.fundingState === 'FUNDED') return 'NOT_FUNDABLE' as const;
      locked.fundingAttempt += 1;
      const outcome = await this.deps.money.debit(tx, locked);
      if (!outcome.ok) {
        locked.fundingAttempt -= 1;
        return outcome.reason;
      }
      locked.fundingState = 'DEBITED';
      locked.fundingStartedAt = new Date();
      return null;
    });
    await em.refresh(transfer);
    if (!refused) return null;
    if (refused === 'NOT_FUNDABLE') return { kind: 'rejected', transfer, reason: 'NOT_FUNDABLE', message: `The transfer is ${transfer.status}.` };
    const available = await this.deps.ledger.available(ledgerTransaction(em), transfer.customerId, transfer.sourceCurrency);
    return {
      kind: 'insufficient_funds',
      transfer,
      available: available === null ? null : amountString(available, transfer.sourceCurrency),
      required: amountString(transfer.sourceAmount, transfer.sourceCurrency),
      currency: transfer.sourceCurrency,
    };
  }

  /** DEBITED: asks Wise to fund it from the balance and settles what Wise answered. */
  private async askWise(em: EntityManager, transfer: Transfer, oneTimeToken: string | null, carriedOver: boolean): Promise<FundTransferResult> {
    const link = await this.deps.linkFor(em, transfer);
    const approval = oneTimeToken ? { oneTimeToken, signature: this.deps.signOneTimeToken!(oneTimeToken) } : undefined;
    let outcome: FundingResult;
    // Whether an attempt before the answer being settled may still fund it at Wise: one carried
    // over from an earlier call, or one of this call's own retries that got no answer (a
    // request Wise works on late, after this call has moved on, is as real as any other).
    let uncertain = carriedOver;
    try {
      const answer = await this.deps.tokens.withUserToken(link, (token) =>
        this.deps.api.fundTransfer({ token, customerId: transfer.customerId }, transfer.profileId, transfer.wiseTransferId!, approval),
      );
      outcome = answer.payment;
      uncertain ||= answer.unansweredAttempts > 0;
    } catch (error) {
      // No answer (timeout, 5xx, a lost response): unknown. The money stays debited; the next
      // fundTransfer or the sweep asks Wise again, and Wise funds a transfer once.
      if (!(error instanceof WiseError) || !REFUSALS.has(error.code)) throw error;
      uncertain ||= error.unansweredAttempts > 0;
      const settled = await this.settleRefusal(em, transfer, link);
      if (settled) return settled;
      if (uncertain && this.mayStillBeFunding(transfer)) return this.holdRefused(em, transfer, error);
      if (error.code === 'SCA_REQUIRED') {
        await this.giveBack(em, transfer, 'NOT_FUNDED', error.oneTimeToken);
        return { kind: 'sca_required', transfer, oneTimeToken: error.oneTimeToken! };
      }
      await this.giveBack(em, transfer, 'REJECTED', null);
      return { kind: 'rejected', transfer, reason: error.fieldErrors[0]?.code ?? error.code, message: error.message };
    }
    if (outcome.status === 'COMPLETED') return this.markFunded(em, transfer, link);
    const settled = await this.settleRefusal(em, transfer, link);
    if (settled) return settled;
    if (uncertain && this.mayStillBeFunding(transfer)) {
      return { kind: 'rejected', transfer, reason: outcome.errorCode ?? 'REJECTED', message: `${outcome.errorMessage ?? 'Wise did not accept the funding.'} ${HELD}` };
    }
    await this.giveBack(em, transfer, 'REJECTED', null);
    return { kind: 'rejected', transfer, reason: outcome.errorCode ?? 'REJECTED', message: outcome.errorMessage ?? 'Wise did not accept the funding.' };
  }

  /** An earlier call whose answer never came may still be running at Wise. */
  private mayStillBeFunding(transfer: Transfer): boolean {
    return !transfer.fundingStartedAt || Date.now() - transfer.fundingStartedAt.getTime() < UNKNOWN_OUTCOME_QUARANTINE_MS;
  }

  /** A refusal while an earlier call may still fund it: the money stays debited. */
  private async holdRefused(em: EntityManager, transfer: Transfer, error: WiseError): Promise<FundTransferResult> {
    if (error.code === 'SCA_REQUIRED') {
      await em.transactional(async (tx) => {
        const locked = await tx.findOneOrFail(Transfer, transfer.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
        locked.scaOneTimeToken = error.oneTimeToken;
      });
      await em.refresh(transfer);
      return { kind: 'sca_required', transfer, oneTimeToken: error.oneTimeToken! };
    }
    return { kind: 'rejected', transfer, reason: error.fieldErrors[0]?.code ?? error.code, message: `${error.message} ${HELD}` };
  }

  /**
   * Wise refused a funding call. Whether the transfer is funded is a question for the transfer
   * itself: an earlier call may have funded it. Funded → FUNDED; cancelled → Wise returned it
   * (the cancel's refund); still waiting → null, and the caller gives the money back.
   */
  private async settleRefusal(em: EntityManager, transfer: Transfer, link: WiseLink): Promise<FundTransferResult | null> {
    const wise = await this.readAtWise(transfer, link);
    if (wise.status === FUNDABLE_AT_WISE) return null;
    if (wise.status === UNFUNDED_FOR_GOOD) {
      await this.deps.refreshFromWise(em, transfer, link);
      await this.giveBack(em, transfer, 'REJECTED', null);
      return { kind: 'rejected', transfer, reason: 'NOT_FUNDABLE', message: 'The transfer was cancelled at Wise.' };
    }
    return this.markFunded(em, transfer, link);
  }

  private async markFunded(em: EntityManager, transfer: Transfer, link: WiseLink): Promise<FundTransferResult> {
    await em.transactional(async (tx) => {
      const locked = await tx.findOneOrFail(Transfer, transfer.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      locked.fundingState = 'FUNDED';
      locked.fundingStartedAt = null;
      locked.scaOneTimeToken = null;
      const quote = await tx.findOne(Quote, locked.quoteId);
      if (quote) quote.status = 'FUNDED';
    });
    await em.refresh(transfer);
    await this.deps.refreshFromWise(em, transfer, link);
    return { kind: 'funded', transfer };
  }

  /** Wise did not take it: the debit goes back (once, whichever route gets there first). */
  private async giveBack(em: EntityManager, transfer: Transfer, next: FundingState, oneTimeToken: string | null): Promise<void> {
    await em.transactional(async (tx) => {
      const locked = await tx.findOneOrFail(Transfer, transfer.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      await this.deps.money.giveBack(tx, locked, 'fund-reversal', 'not funded');
      locked.fundingState = next;
      locked.fundingStartedAt = null;
      locked.scaOneTimeToken = oneTimeToken;
    });
    await em.refresh(transfer);
  }

  private async readAtWise(transfer: Transfer, link: WiseLink): Promise<WiseTransfer> {
    return this.deps.tokens.withUserToken(link, (token) => this.deps.api.getTransfer({ token, customerId: transfer.customerId }, transfer.wiseTransferId!));
  }

  /**
   * The sweep's half of funding: a DEBITED funding nobody is working on (its process died, or
   * its caller gave up) is settled against Wise — funded there → FUNDED; cancelled → given
   * back; still waiting → funded now (or, if Wise wants the customer's SCA approval, given back
   * with the challenge kept for the customer). Skipped while another operation holds the lock.
   */
  async settleInterrupted(em: EntityManager, transferId: string): Promise<'settled' | 'busy' | 'nothing'> {
    const ran = await this.deps.locks.tryRun(transferId, async () => {
      const transfer = await em.findOneOrFail(Transfer, transferId, { refresh: true });
      if (transfer.fundingState !== 'DEBITED') return 'nothing' as const;
      const link = await this.deps.linkFor(em, transfer);
      const settled = await this.settleRefusal(em, transfer, link);
      if (settled) return 'settled' as const;
      // The customer is approving an SCA challenge: asking Wise again now would replace the
      // token they are signing. Left to them until the quarantine has passed.
      if (transfer.scaOneTimeToken && this.mayStillBeFunding(transfer)) return 'nothing' as const;
      await this.askWise(em, transfer, null, true);
      this.deps.logger.info({ transferId, fundingState: transfer.fundingState }, 'settled an interrupted funding');
      return 'settled' as const;
    });
    return ran ?? 'busy';
  }

  // ---- cancellation --------------------------------------------------------------------------

  async cancel(em: EntityManager, transferId: string): Promise<CancelTransferResult> {
    return this.deps.locks.run(transferId, async () => {
      const transfer = await em.findOneOrFail(Transfer, transferId, { refresh: true });
      if (transfer.status === 'cancelled') return { kind: 'cancelled', transfer };
      if (transfer.creationState !== 'CREATED') throw new GatewayError('INVALID_INPUT', 'Wise has not created this transfer yet', { field: 'transferId' });
      const link = await this.deps.linkFor(em, transfer);
      try {
        await this.deps.tokens.withUserToken(link, (token) => this.deps.api.cancelTransfer({ token, customerId: transfer.customerId }, transfer.wiseTransferId!));
      } catch (error) {
        if (error instanceof WiseError && error.code === 'CONFLICT') {
          await this.deps.refreshFromWise(em, transfer, link).catch((refreshError: unknown) =>
            this.deps.logger.warn({ err: refreshError, transferId }, 'could not re-read a transfer Wise would not cancel'),
          );
          return { kind: 'not_cancellable', transfer, message: 'Wise can no longer cancel this transfer.' };
        }
        throw error;
      }
      const events = await em.transactional(async (tx) => {
        const locked = await tx.findOneOrFail(Transfer, transfer.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const applied = await this.deps.states.applyState(tx, locked, 'cancelled', this.deps.states.pollTime(locked), 'cancel');
        // A funding that never reached Wise is over: its money went back with the cancel.
        if (locked.fundingState === 'DEBITED') {
          locked.fundingState = 'REJECTED';
          locked.fundingStartedAt = null;
        }
        return applied.events;
      });
      await this.deps.publish(events);
      await em.refresh(transfer);
      return { kind: 'cancelled', transfer };
    });
  }
}
