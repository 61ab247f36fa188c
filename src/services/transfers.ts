/**
 * Transfers: requirements, idempotent creation, funding, cancellation, every Wise state with
 * its history, and the money going back to the bank customer when Wise returns it.
 *
 * Money never moves twice:
 * - creation: the row (with a customerTransactionId derived from the caller's idempotency key)
 *   is committed before Wise is asked, and Wise treats a repeated customerTransactionId as the
 *   same transfer — so a retry, a lost answer or a crash anywhere ends with one transfer;
 * - funding: the bank's debit carries an idempotency key per attempt and is committed before
 *   Wise is asked to fund; a refused attempt is credited back under its own key;
 * - refunds: one key per transfer, whichever event (refund, cancel) comes first; a bounce
 *   alone returns nothing, as Wise may still re-send the payout.
 */
import { createHash, randomUUID } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../db/orm.js';
import { Quote } from '../entities/Quote.js';
import { Recipient } from '../entities/Recipient.js';
import { Transfer } from '../entities/Transfer.js';
import { WiseLink } from '../entities/WiseLink.js';
import type { Logger } from '../logger.js';
import type { WiseApi, WiseTransfer } from '../wise/api.js';
import { WiseError, type WiseFieldError } from '../wise/errors.js';
import type { DomainEvent, EventBus } from './events.js';
import type { Ledger } from './ledger.js';
import { requireLinkedProfile } from './links.js';
import { amountString, rateString } from './money.js';
import { stableUuid } from './profiles.js';
import { effectiveStatus } from './quotes.js';
import { normalizeForm, toDetails, validateAgainstForm, type FieldValue, type FormOption } from './recipients.js';
import { FINAL_STATES, parseWiseTime, TransferStates } from './transfer-states.js';
import type { VerificationService } from './verification.js';
import { NotLinkedError, type WiseTokens } from './wise-tokens.js';

export { TRANSFER_STATES } from '../wise/transfer-states.js';
export { parseWiseTime } from './transfer-states.js';

/** A non-final transfer unchanged for this long is re-read from Wise (a webhook may be lost). */
export const SWEEP_STALE_AFTER_MS = 5 * 60_000;

export class TransferNotFoundError extends Error {
  constructor() {
    super('No such transfer for this customer');
    this.name = 'TransferNotFoundError';
  }
}

export class TransferInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'TransferInputError';
  }
}

export type CreateTransferInput = { quoteId: string; recipientId: number; values: FieldValue[]; idempotencyKey: string };

export type CreateTransferResult =
  | { kind: 'created'; transfer: Transfer }
  | { kind: 'not_verified'; currency: string; maximumEntitledAmount: string; message: string }
  | { kind: 'quote_not_usable'; quoteId: string; reason: 'EXPIRED' | 'ALREADY_USED' }
  | { kind: 'insufficient_funds'; available: string | null; required: string; currency: string }
  | { kind: 'invalid'; fieldErrors: WiseFieldError[] }
  | { kind: 'idempotency_conflict'; message: string };

export type FundTransferResult =
  | { kind: 'funded'; transfer: Transfer }
  | { kind: 'sca_required'; transfer: Transfer; oneTimeToken: string }
  | { kind: 'rejected'; transfer: Transfer; reason: string; message: string }
  | { kind: 'insufficient_funds'; transfer: Transfer; available: string | null; required: string; currency: string };

export type CancelTransferResult = { kind: 'cancelled'; transfer: Transfer } | { kind: 'not_cancellable'; transfer: Transfer; message: string };

export class TransferService {
  /** How a state, from any route, becomes history, the current state and returned money. */
  readonly states: TransferStates;

  constructor(
    private readonly deps: {
      orm: Orm;
      api: WiseApi;
      tokens: WiseTokens;
      verification: VerificationService;
      ledger: Ledger;
      events: EventBus;
      logger: Logger;
      /** Signs an SCA one-time token with the bank's key registered at Wise. */
      signOneTimeToken?: (token: string) => string;
    },
  ) {
    this.states = new TransferStates({ ledger: deps.ledger });
  }

  // ---- requirements ----------------------------------------------------------------------------

  async requirements(em: EntityManager, customerId: string, quoteId: string, recipientId: number, values: FieldValue[]): Promise<FormOption> {
    const link = await requireLinkedProfile(em, customerId);
    const { quote, recipient } = await this.quoteAndRecipient(em, customerId, quoteId, recipientId);
    const requirements = await this.deps.tokens.withUserToken(link, (token) =>
      this.deps.api.transferRequirements({ token, customerId }, { targetAccount: recipient.id, quoteUuid: quote.id, details: toDetails(values) }),
    );
    return normalizeForm(requirements.map((r) => ({ ...r, title: r.title ?? 'Transfer details' })))[0] ?? { type: 'transfer', title: 'Transfer details', usageInfo: null, fields: [], groups: [] };
  }

  private async quoteAndRecipient(em: EntityManager, customerId: string, quoteId: string, recipientId: number) {
    const quote = await em.findOne(Quote, { id: quoteId, customerId });
    if (!quote) throw new TransferInputError('No such quote for this customer', 'quoteId');
    const recipient = await em.findOne(Recipient, { id: recipientId, customerId });
    if (!recipient || !recipient.active) throw new TransferInputError('No such active recipient for this customer', 'recipientId');
    return { quote, recipient };
  }

  // ---- creation ------------------------------------------------------------------------------

  async create(em: EntityManager, customerId: string, input: CreateTransferInput): Promise<CreateTransferResult> {
    const key = input.idempotencyKey.trim();
    if (!/^[\w.:-]{8,100}$/.test(key)) throw new TransferInputError('idempotencyKey must be 8–100 letters, digits or ._:-', 'idempotencyKey');
    const requestHash = createHash('sha256')
      .update(JSON.stringify([input.quoteId, input.recipientId, [...input.values].sort((a, b) => a.key.localeCompare(b.key))]))
      .digest('hex');

    const existing = await em.findOne(Transfer, { customerId, idempotencyKey: key });
    if (existing) {
      if (existing.requestHash !== requestHash) {
        return { kind: 'idempotency_conflict', message: 'This idempotency key was used for a different transfer.' };
      }
      if (existing.creationState === 'CREATED') return { kind: 'created', transfer: existing };
      return this.createAtWise(em, existing, false);
    }

    const link = await requireLinkedProfile(em, customerId);
    const { quote, recipient } = await this.quoteAndRecipient(em, customerId, input.quoteId, input.recipientId);
    const quoteStatus = effectiveStatus(quote);
    if (quoteStatus !== 'PENDING') return { kind: 'quote_not_usable', quoteId: quote.id, reason: quoteStatus === 'EXPIRED' ? 'EXPIRED' : 'ALREADY_USED' };
    if (recipient.currency !== quote.targetCurrency) {
      return { kind: 'invalid', fieldErrors: [{ path: 'recipientId', code: 'CURRENCY_MISMATCH', message: `The recipient takes ${recipient.currency}; the quote pays out ${quote.targetCurrency}.`, arguments: [] }] };
    }
    const sourceAmount = amountString(quote.sourceAmount, quote.sourceCurrency);

    // The verification gate: verified, or the amount Wise still allows covers this transfer.
    const gate = await this.deps.verification.forCustomer(em, customerId, quote.profileId, false);
    const route = gate?.routes.find((r) => r.currency === quote.sourceCurrency);
    if (!route || (route.status !== 'verified' && route.maximumEntitledAmount < Number(sourceAmount))) {
      return {
        kind: 'not_verified',
        currency: quote.sourceCurrency,
        maximumEntitledAmount: amountString(route?.maximumEntitledAmount ?? 0, quote.sourceCurrency),
        message: 'Wise has not verified this profile yet for this amount. Transfers open once it is verified.',
      };
    }

    // The bank's side first: the customer must have the money.
    const available = await this.deps.ledger.available(em, customerId, quote.sourceCurrency);
    if (available === null || Number(available) < Number(sourceAmount)) {
      return { kind: 'insufficient_funds', available: available === null ? null : amountString(available, quote.sourceCurrency), required: sourceAmount, currency: quote.sourceCurrency };
    }

    const form = await this.requirements(em, customerId, quote.id, recipient.id, input.values);
    const fieldErrors = validateAgainstForm(form, new Map(input.values.map((v) => [v.key, v.value])));
    if (fieldErrors.length) return { kind: 'invalid', fieldErrors };

    const transfer = em.create(Transfer, {
      id: randomUUID(),
      customerId,
      profileId: link.profileId,
      idempotencyKey: key,
      requestHash,
      customerTransactionId: stableUuid('customer-transaction', customerId, key),
      quoteId: quote.id,
      recipientId: recipient.id,
      creationState: 'PENDING',
      status: 'incoming_payment_waiting',
      fundingState: 'NOT_FUNDED',
      sourceCurrency: quote.sourceCurrency,
      sourceAmount: quote.sourceAmount,
      targetCurrency: quote.targetCurrency,
      targetAmount: quote.targetAmount,
      rate: quote.rate,
      fee: quote.fee,
      reference: String(input.values.find((v) => v.key === 'reference')?.value ?? ''),
      details: toDetails(input.values),
    });
    try {
      // Committed before Wise hears of it: whatever happens next, a retry finds this row.
      await em.flush();
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      em.clear();
      return this.create(em, customerId, input);
    }
    return this.createAtWise(em, transfer, true);
  }

  private async createAtWise(em: EntityManager, transfer: Transfer, firstAttempt: boolean): Promise<CreateTransferResult> {
    const link = await this.linkFor(em, transfer);
    const who = (token: string) => ({ token, customerId: transfer.customerId });
    let wise: WiseTransfer;
    try {
      if (firstAttempt) {
        // Wise's flow: attach the recipient to the quote, then create (the quote may re-price).
        await this.deps.tokens.withUserToken(link, (token) => this.deps.api.patchQuote(who(token), transfer.profileId, transfer.quoteId, { targetAccount: transfer.recipientId }));
      }
      wise = await this.deps.tokens.withUserToken(link, (token) =>
        this.deps.api.createTransfer(who(token), {
          targetAccount: transfer.recipientId,
          quoteUuid: transfer.quoteId,
          customerTransactionId: transfer.customerTransactionId,
          details: transfer.details,
        }),
      );
    } catch (error) {
      if (error instanceof WiseError && (error.code === 'VALIDATION' || error.code === 'CONFLICT')) {
        // Wise refused it: nothing was created there, so nothing is kept here.
        em.remove(transfer);
        await em.flush();
        return { kind: 'invalid', fieldErrors: error.fieldErrors.map((e) => ({ ...e, path: e.path?.replace(/^details\./, '') ?? null })) };
      }
      throw error;
    }
    const events = await em.transactional(async (tx) => {
      const locked = await tx.findOneOrFail(Transfer, transfer.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (locked.creationState === 'CREATED') return [];
      Object.assign(locked, {
        creationState: 'CREATED',
        wiseTransferId: wise.id,
        sourceAmount: String(wise.sourceValue),
        targetAmount: String(wise.targetValue),
        rate: rateString(wise.rate),
        data: wise,
        syncedAt: new Date(),
        // The state was set below with its time; start from a clean slate for applyState.
        status: '',
      });
      const quote = await tx.findOne(Quote, transfer.quoteId);
      if (quote && quote.status === 'PENDING') quote.status = 'ACCEPTED';
      return (await this.states.applyState(tx, locked, wise.status, parseWiseTime(wise.created), 'create')).events;
    });
    await this.publish(events);
    return { kind: 'created', transfer: await em.findOneOrFail(Transfer, transfer.id, { refresh: true }) };
  }

  private async linkFor(em: EntityManager, transfer: Transfer): Promise<WiseLink> {
    const link = await em.findOne(WiseLink, { customerId: transfer.customerId, status: { $ne: 'UNLINKED' }, profileId: transfer.profileId });
    if (!link) throw new NotLinkedError();
    return link;
  }

  // ---- funding -------------------------------------------------------------------------------

  async fund(em: EntityManager, customerId: string, transferId: string, oneTimeToken: string | null): Promise<FundTransferResult> {
    const transfer = await this.own(em, customerId, transferId);
    if (transfer.creationState !== 'CREATED') throw new TransferInputError('Wise has not created this transfer yet; repeat createTransfer with the same idempotency key', 'transferId');
    if (transfer.fundingState === 'FUNDED') return { kind: 'funded', transfer };
    if (transfer.fundingState !== 'DEBITED' && transfer.status !== 'incoming_payment_waiting') {
      return { kind: 'rejected', transfer, reason: 'NOT_FUNDABLE', message: `The transfer is ${transfer.status}.` };
    }
    if (oneTimeToken && !this.deps.signOneTimeToken) throw new TransferInputError('This gateway has no SCA signing key (WISE_SCA_PRIVATE_KEY)', 'oneTimeToken');
    if (oneTimeToken && oneTimeToken !== transfer.scaOneTimeToken) throw new TransferInputError('This one-time token is not the one Wise issued for this transfer', 'oneTimeToken');
    const link = await this.linkFor(em, transfer);
    const movement = (kind: string) => ({
      customerId,
      currency: transfer.sourceCurrency,
      amount: amountString(transfer.sourceAmount, transfer.sourceCurrency),
      reference: `Wise transfer ${transfer.wiseTransferId}`,
      idempotencyKey: `${kind}:${transfer.id}:${transfer.fundingAttempt}`,
    });

    if (transfer.fundingState !== 'DEBITED') {
      transfer.fundingAttempt += 1;
      const debit = await this.deps.ledger.debit(em, movement('fund'));
      if (!debit.ok) {
        await em.flush();
        const available = await this.deps.ledger.available(em, customerId, transfer.sourceCurrency);
        return { kind: 'insufficient_funds', transfer, available: available === null ? null : amountString(available, transfer.sourceCurrency), required: amountString(transfer.sourceAmount, transfer.sourceCurrency), currency: transfer.sourceCurrency };
      }
      transfer.fundingState = 'DEBITED';
      // The debit is committed before Wise is asked: a crash now leaves DEBITED, and the next
      // attempt (or the sweep) funds without debiting again.
      await em.flush();
    }

    const approval = oneTimeToken ? { oneTimeToken, signature: this.deps.signOneTimeToken!(oneTimeToken) } : undefined;
    let outcome: { status: 'COMPLETED' | 'REJECTED'; errorCode: string | null; errorMessage?: string | null };
    try {
      outcome = await this.deps.tokens.withUserToken(link, (token) => this.deps.api.fundTransfer({ token, customerId }, transfer.profileId, transfer.wiseTransferId!, approval));
    } catch (error) {
      if (error instanceof WiseError && (error.code === 'SCA_REQUIRED' || error.code === 'FORBIDDEN' || error.code === 'VALIDATION' || error.code === 'CONFLICT')) {
        // Not funded at Wise: the customer's money goes back where it was.
        await this.deps.ledger.credit(em, movement('fund-reversal'));
        transfer.fundingState = 'NOT_FUNDED';
        if (error.code === 'SCA_REQUIRED') {
          transfer.scaOneTimeToken = error.oneTimeToken;
          await em.flush();
          return { kind: 'sca_required', transfer, oneTimeToken: error.oneTimeToken! };
        }
        await em.flush();
        return { kind: 'rejected', transfer, reason: error.fieldErrors[0]?.code ?? error.code, message: error.message };
      }
      throw error;
    }
    if (outcome.status === 'REJECTED') {
      await this.deps.ledger.credit(em, movement('fund-reversal'));
      transfer.fundingState = 'REJECTED';
      await em.flush();
      return { kind: 'rejected', transfer, reason: outcome.errorCode ?? 'REJECTED', message: outcome.errorMessage ?? 'Wise did not accept the funding.' };
    }
    transfer.fundingState = 'FUNDED';
    transfer.scaOneTimeToken = null;
    const quote = await em.findOne(Quote, transfer.quoteId);
    if (quote) quote.status = 'FUNDED';
    await em.flush();
    await this.refreshFromWise(em, transfer, link);
    return { kind: 'funded', transfer };
  }

  // ---- cancellation --------------------------------------------------------------------------

  async cancel(em: EntityManager, customerId: string, transferId: string): Promise<CancelTransferResult> {
    const transfer = await this.own(em, customerId, transferId);
    if (transfer.status === 'cancelled') return { kind: 'cancelled', transfer };
    if (transfer.creationState !== 'CREATED') throw new TransferInputError('Wise has not created this transfer yet', 'transferId');
    const link = await this.linkFor(em, transfer);
    try {
      await this.deps.tokens.withUserToken(link, (token) => this.deps.api.cancelTransfer({ token, customerId }, transfer.wiseTransferId!));
    } catch (error) {
      if (error instanceof WiseError && error.code === 'CONFLICT') {
        await this.refreshFromWise(em, transfer, link).catch(() => undefined);
        return { kind: 'not_cancellable', transfer, message: 'Wise can no longer cancel this transfer.' };
      }
      throw error;
    }
    const events = await em.transactional(async (tx) => {
      const locked = await tx.findOneOrFail(Transfer, transfer.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      return (await this.states.applyState(tx, locked, 'cancelled', this.states.pollTime(locked), 'cancel')).events;
    });
    await this.publish(events);
    return { kind: 'cancelled', transfer: await em.findOneOrFail(Transfer, transfer.id, { refresh: true }) };
  }

  // ---- reads ---------------------------------------------------------------------------------

  async own(em: EntityManager, customerId: string, transferId: string): Promise<Transfer> {
    if (!/^[0-9a-f-]{36}$/i.test(transferId)) throw new TransferNotFoundError();
    const transfer = await em.findOne(Transfer, { id: transferId, customerId });
    if (!transfer) throw new TransferNotFoundError();
    return transfer;
  }

  /** Reads the transfer from Wise and applies its state (the sweep, and after funding). */
  async refreshFromWise(em: EntityManager, transfer: Transfer, link?: WiseLink): Promise<void> {
    if (!transfer.wiseTransferId || transfer.wiseAccessLost) return;
    // The customer's link now, even if it points at another Wise account than the transfer's.
    const activeLink = link ?? (await em.findOne(WiseLink, { customerId: transfer.customerId, status: 'LINKED' }));
    if (!activeLink) return;
    let wise: WiseTransfer;
    try {
      wise = await this.deps.tokens.withUserToken(activeLink, (token) => this.deps.api.getTransfer({ token, customerId: transfer.customerId }, transfer.wiseTransferId!));
    } catch (error) {
      if (error instanceof WiseError && (error.code === 'FORBIDDEN' || error.code === 'NOT_FOUND')) {
        // Re-linked to another Wise account: Wise will not show it any more; our copy stays.
        transfer.wiseAccessLost = true;
        await em.flush();
        return;
      }
      throw error;
    }
    const events = await em.transactional(async (tx) => {
      const locked = await tx.findOneOrFail(Transfer, transfer.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      locked.data = wise;
      locked.syncedAt = new Date();
      const result = await this.states.applyState(tx, locked, wise.status, this.states.pollTime(locked), 'poll');
      await tx.flush();
      return result.events;
    });
    await em.refresh(transfer);
    await this.publish(events);
  }

  /**
   * The safety net for lost webhooks and interrupted work: re-reads stale non-final transfers,
   * finishes creations and fundings a crash interrupted. Runs every minute on one replica.
   */
  async sweep(now = Date.now()): Promise<{ refreshed: number; resumed: number }> {
    const em = this.deps.orm.em.fork() as EntityManager;
    const stale = await em.find(
      Transfer,
      { creationState: 'CREATED', status: { $nin: [...FINAL_STATES] }, wiseAccessLost: false, syncedAt: { $lt: new Date(now - SWEEP_STALE_AFTER_MS) } },
      { limit: 100, orderBy: { syncedAt: 'asc' } },
    );
    const interrupted = await em.find(Transfer, { creationState: 'PENDING', createdAt: { $lt: new Date(now - 30_000) } }, { limit: 50 });
    let refreshed = 0;
    let resumed = 0;
    for (const transfer of stale) {
      try {
        await this.refreshFromWise(em, transfer);
        refreshed += 1;
      } catch (error) {
        this.deps.logger.warn({ err: error, transferId: transfer.id }, 'sweep could not refresh a transfer');
      }
    }
    for (const transfer of interrupted) {
      try {
        await this.createAtWise(em, transfer, false);
        resumed += 1;
      } catch (error) {
        this.deps.logger.warn({ err: error, transferId: transfer.id }, 'sweep could not finish creating a transfer');
      }
    }
    return { refreshed, resumed };
  }

  /**
   * The cache bypassed: a page read from Wise with each transfer's quote and recipient fetched
   * from Wise too — what serving without a local copy costs (for comparison and diagnosis).
   */
  async pageFromWise(em: EntityManager, customerId: string, first: number) {
    const link = await requireLinkedProfile(em, customerId);
    const transfers = await this.deps.tokens.withUserToken(link, (token) => this.deps.api.listTransfers({ token, customerId }, link.profileId, first));
    const token = await this.deps.tokens.accessToken(link);
    const who = { token, customerId };
    return Promise.all(
      transfers.map(async (t) => {
        const [quote, recipient] = await Promise.all([this.deps.api.getQuote(who, link.profileId, t.quoteUuid), this.deps.api.getRecipient(who, t.targetAccount)]);
        return { transfer: t, quote, recipient };
      }),
    );
  }

  private async publish(events: DomainEvent[]): Promise<void> {
    for (const event of events) await this.deps.events.publish(event);
  }
}
