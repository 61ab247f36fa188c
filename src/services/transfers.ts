/**
 * Transfers: requirements, idempotent creation and reads; funding and cancelling are in
 * transfer-funding.ts, states and returned money in transfer-states.ts, the sweep in jobs/transfer-sweep.ts.
 *
 * Creation moves money nowhere, but must create one transfer at Wise: the row (with a
 * customerTransactionId derived from the caller's idempotency key) is committed before Wise is
 * asked, and Wise treats a repeated customerTransactionId as the same transfer — so a retry, a
 * lost answer or a crash anywhere ends with one transfer. Every step that talks to Wise about
 * one transfer runs under its money lock (transfer-locks.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ledgerTransaction } from '../db/ledger-transaction.js';
import { ormSql, type Orm } from '../db/orm.js';
import { Quote } from '../entities/Quote.js';
import { Recipient } from '../entities/Recipient.js';
import { Transfer } from '../entities/Transfer.js';
import { WiseLink } from '../entities/WiseLink.js';
import type { Logger } from '../logger.js';
import type { WiseApi } from '../wise/api.js';
import type { WiseTransfer } from '../wise/objects.js';
import { WiseError, type WiseFieldError } from '../wise/errors.js';
import type { DomainEvent, EventBus } from './events.js';
import type { Ledger } from '../ports/ledger.js';
import { requireLinkedProfile } from './links.js';
import { amountString, isLess, rateString } from '../domain/money.js';
import { stableUuid } from './profiles.js';
import { effectiveStatus } from './quotes.js';
import { normalizeForm, toDetails, validateAgainstForm, type FieldValue, type FormOption } from './recipients.js';
import { TransferFunding, type CancelTransferResult, type FundTransferResult } from './transfer-funding.js';
import type { TransferLocks } from './transfer-locks.js';
import { TransferMoney } from './transfer-money.js';
import { parseWiseTime, TransferStates } from './transfer-states.js';
import type { VerificationService } from './verification.js';
import type { WiseTokens } from './wise-tokens.js';
import { GatewayError } from '../domain/errors.js';

export { parseWiseTime } from './transfer-states.js';
export type { CancelTransferResult, FundTransferResult } from './transfer-funding.js';

/** A transfer id as the gateway issues it; anything else names no transfer (and never reaches SQL). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type CreateTransferInput = { quoteId: string; recipientId: number; values: FieldValue[]; idempotencyKey: string };

export type CreateTransferResult =
  | {
      kind: 'created';
      transfer: Transfer;
      /**
       * The transfer's quote and recipient as this creation left them, when it has them in hand
       * (the answer needs no read of its own); absent when the transfer was created before.
       */
      relations?: { quote: Quote; recipient: Recipient };
    }
  | { kind: 'not_verified'; currency: string; maximumEntitledAmount: string; message: string }
  | { kind: 'quote_not_usable'; quoteId: string; reason: 'EXPIRED' | 'ALREADY_USED' }
  | { kind: 'insufficient_funds'; available: string | null; required: string; currency: string }
  | { kind: 'invalid'; fieldErrors: WiseFieldError[] }
  | { kind: 'idempotency_conflict'; message: string };

export class TransferService {
  /** How a state, from any route, becomes history, the current state and returned money. */
  readonly states: TransferStates;
  /** The bank customer's money for a transfer: taken once, given back at most once. */
  private readonly money: TransferMoney;
  /** The bank's ledger port (reconciliation compares the journal with it). */
  readonly ledger: Ledger;
  private readonly funding: TransferFunding;

  constructor(
    private readonly deps: {
      orm: Orm;
      api: WiseApi;
      tokens: WiseTokens;
      verification: VerificationService;
      ledger: Ledger;
      locks: TransferLocks;
      events: EventBus;
      logger: Logger;
      /** Signs an SCA one-time token with the bank's key registered at Wise. */
      signOneTimeToken?: (token: string) => string;
    },
  ) {
    this.ledger = deps.ledger;
    this.money = new TransferMoney(deps.ledger);
    this.states = new TransferStates({ money: this.money });
    this.funding = new TransferFunding({
      ...deps,
      money: this.money,
      states: this.states,
      linkFor: (em, transfer) => this.linkFor(em, transfer),
      refreshFromWise: (em, transfer, link) => this.refreshFromWise(em, transfer, link),
      publish: (events) => this.publish(events),
    });
  }

  // ---- requirements ----------------------------------------------------------------------------

  async requirements(em: EntityManager, customerId: string, quoteId: string, recipientId: number, values: FieldValue[]): Promise<FormOption> {
    const link = await requireLinkedProfile(em, customerId);
    const { quote, recipient } = await this.quoteAndRecipient(em, customerId, quoteId, recipientId);
    return this.requirementsFor(customerId, link, quote, recipient, values);
  }

  /** The form for a link, quote and recipient already read (createTransfer has them). */
  private async requirementsFor(customerId: string, link: WiseLink, quote: Quote, recipient: Recipient, values: FieldValue[]): Promise<FormOption> {
    const requirements = await this.deps.tokens.withUserToken(link, (token) =>
      this.deps.api.transferRequirements({ token, customerId }, { targetAccount: recipient.id, quoteUuid: quote.id, details: toDetails(values) }),
    );
    return normalizeForm(requirements.map((r) => ({ ...r, title: r.title ?? 'Transfer details' })))[0] ?? { type: 'transfer', title: 'Transfer details', usageInfo: null, fields: [], groups: [] };
  }

  private async quoteAndRecipient(em: EntityManager, customerId: string, quoteId: string, recipientId: number) {
    const [quote, recipient] = await Promise.all([em.findOne(Quote, { id: quoteId, customerId }), em.findOne(Recipient, { id: recipientId, customerId })]);
    if (!quote) throw new GatewayError('NOT_FOUND', 'No such quote for this customer', { field: 'quoteId' });
    if (!recipient || !recipient.active) throw new GatewayError('NOT_FOUND', 'No such active recipient for this customer', { field: 'recipientId' });
    return { quote, recipient };
  }

  // ---- creation ------------------------------------------------------------------------------

  /**
   * `offered`: the rollout's check for this quote (rollout.ts), asked by the caller and read
   * alongside the reads below; judged before anything else, as when it was asked first.
   */
  async create(em: EntityManager, customerId: string, input: CreateTransferInput, offered: Promise<void> = Promise.resolve()): Promise<CreateTransferResult> {
    const key = input.idempotencyKey.trim();
    if (!/^[\w.:-]{8,100}$/.test(key)) {
      await offered;
      throw new GatewayError('INVALID_INPUT', 'idempotencyKey must be 8–100 letters, digits or ._:-', { field: 'idempotencyKey' });
    }
    const requestHash = createHash('sha256')
      .update(JSON.stringify([input.quoteId, input.recipientId, [...input.values].sort((a, b) => a.key.localeCompare(b.key))]))
      .digest('hex');

    // Four independent reads at once (each on its own connection: no transaction yet), judged
    // in the order they always were: the rollout, a repeat of the key, then the link, quote,
    // recipient.
    const [rollout, repeat, linked, chosen] = await Promise.allSettled([
      offered,
      em.findOne(Transfer, { customerId, idempotencyKey: key }),
      requireLinkedProfile(em, customerId),
      this.quoteAndRecipient(em, customerId, input.quoteId, input.recipientId),
    ]);
    settledValue(rollout);
    const existing = settledValue(repeat);
    if (existing) {
      if (existing.requestHash !== requestHash) {
        return { kind: 'idempotency_conflict', message: 'This idempotency key was used for a different transfer.' };
      }
      if (existing.creationState === 'CREATED') return { kind: 'created', transfer: existing };
      return (await this.createAtWise(em, existing))!;
    }

    const link = settledValue(linked);
    const { quote, recipient } = settledValue(chosen);
    const quoteStatus = effectiveStatus(quote);
    if (quoteStatus !== 'PENDING') return { kind: 'quote_not_usable', quoteId: quote.id, reason: quoteStatus === 'EXPIRED' ? 'EXPIRED' : 'ALREADY_USED' };
    if (recipient.currency !== quote.targetCurrency) {
      return { kind: 'invalid', fieldErrors: [{ path: 'recipientId', code: 'CURRENCY_MISMATCH', message: `The recipient takes ${recipient.currency}; the quote pays out ${quote.targetCurrency}.`, arguments: [] }] };
    }
    const sourceAmount = amountString(quote.sourceAmount, quote.sourceCurrency);

    // Two independent reads asked at once, judged in order: the verification gate (verified, or
    // the amount Wise still allows covers this transfer), then the bank's side (the customer
    // must have the money).
    const [gate, available] = await Promise.all([
      this.deps.verification.forCustomer(em, customerId, quote.profileId, false),
      this.deps.ledger.available(ledgerTransaction(em), customerId, quote.sourceCurrency),
    ]);
    const route = gate?.routes.find((r) => r.currency === quote.sourceCurrency);
    if (!route || (route.status !== 'verified' && isLess(route.maximumEntitledAmount, sourceAmount))) {
      return {
        kind: 'not_verified',
        currency: quote.sourceCurrency,
        maximumEntitledAmount: amountString(route?.maximumEntitledAmount ?? 0, quote.sourceCurrency),
        message: 'Wise has not verified this profile yet for this amount. Transfers open once it is verified.',
      };
    }

    if (available === null || isLess(available, sourceAmount)) {
      return { kind: 'insufficient_funds', available: available === null ? null : amountString(available, quote.sourceCurrency), required: sourceAmount, currency: quote.sourceCurrency };
    }

    const form = await this.requirementsFor(customerId, link, quote, recipient, input.values);
    const fieldErrors = validateAgainstForm(form, new Map(input.values.map((v) => [v.key, v.value])));
    if (fieldErrors.length) return { kind: 'invalid', fieldErrors };

    // Not persisted by a flush: inserted on its own below, and read back under the lock.
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
    }, { persist: false });
    // The lock is taken before the row exists: nobody can have touched the row by the time it is
    // ours, so it is not read back under the lock (createAtWise's re-read is for stored rows).
    const created = await this.deps.locks.run(transfer.id, async () => {
      try {
        // Committed before Wise hears of it: whatever happens next, a retry finds this row. One
        // statement (a flush wraps even a single insert in a transaction of its own).
        await em.insert(transfer);
      } catch (error) {
        if (error instanceof UniqueConstraintViolationException) return null;
        throw error;
      }
      return this.createAtWiseLocked(em, transfer, link, recipient);
    });
    if (created) return created;
    // The same key stored meanwhile by a concurrent request: answered as its repeat.
    em.clear();
    return this.create(em, customerId, input);
  }

  /**
   * Asks Wise to create the stored transfer (again, after a crash or a lost answer: the same
   * customerTransactionId is the same transfer at Wise). Under the transfer's lock, so a retry
   * and the sweep never ask at once.
   */
  private async createAtWise(em: EntityManager, stored: Transfer, options: { onlyIfFree?: boolean } = {}): Promise<CreateTransferResult | undefined> {
    const work = async (): Promise<CreateTransferResult> => {
      const transfer = await em.findOne(Transfer, stored.id, { refresh: true });
      if (!transfer) return { kind: 'invalid', fieldErrors: [{ path: null, code: 'REFUSED', message: 'Wise refused this transfer.', arguments: [] }] };
      if (transfer.creationState === 'CREATED') return { kind: 'created', transfer };
      return this.createAtWiseLocked(em, transfer);
    };
    // The sweep and reconciliation leave a transfer someone is working on for next time.
    return options.onlyIfFree ? this.deps.locks.tryRun(stored.id, work) : this.deps.locks.run(stored.id, work);
  }

  private async createAtWiseLocked(em: EntityManager, transfer: Transfer, known?: WiseLink, recipient?: Recipient): Promise<CreateTransferResult> {
    // The link this request has just read (the same managed entity a re-read would return).
    const link = known?.profileId === transfer.profileId ? known : await this.linkFor(em, transfer);
    const who = (token: string) => ({ token, customerId: transfer.customerId });
    let wise: WiseTransfer;
    try {
      if (!transfer.quotePatched) {
        // Wise's flow: attach the recipient to the quote, then create (the quote may re-price).
        // Repeated until Wise has accepted it: creating on an un-patched quote would pay out at
        // the quote's first price, without the recipient's fees.
        await this.deps.tokens.withUserToken(link, (token) => this.deps.api.patchQuote(who(token), transfer.profileId, transfer.quoteId, { targetAccount: transfer.recipientId }));
        // Committed before the creation is asked for: a retry after a lost answer must not
        // patch a quote Wise has used already. One statement, not a flush's transaction; the
        // entity is left as read (set, it would be written again by the next flush).
        await em.nativeUpdate(Transfer, { id: transfer.id }, { quotePatched: true });
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
        await em.nativeDelete(Transfer, { id: transfer.id });
        const unusable = await this.quoteWiseWillNotUse(em, link, transfer, error);
        if (unusable) return unusable;
        return { kind: 'invalid', fieldErrors: error.fieldErrors.map((e) => ({ ...e, path: e.path?.replace(/^details\./, '') ?? null })) };
      }
      throw error;
    }
    const committed = await em.transactional(async (tx) => {
      const locked = await tx.findOneOrFail(Transfer, transfer.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (locked.creationState === 'CREATED') return { locked, quote: null };
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
      await this.publishAtCommit(tx, (await this.states.applyState(tx, locked, wise.status, parseWiseTime(wise.created), 'create')).events);
      return { locked, quote };
    });
    // The row as the transaction wrote it (read FOR UPDATE, then flushed): not read again.
    const { locked, quote } = committed;
    return { kind: 'created', transfer: locked, relations: quote && recipient ? { quote, recipient } : undefined };
  }

  /**
   * Wise refuses a quote it no longer treats as pending (expired by its clock, or used): that is
   * QuoteNotUsable with its reason — what a frontend offers `requote` for — not a form error.
   */
  private async quoteWiseWillNotUse(em: EntityManager, link: WiseLink, transfer: Transfer, error: WiseError): Promise<CreateTransferResult | null> {
    const codes = new Set(error.fieldErrors.map((e) => e.code));
    if (!codes.has('QUOTE_EXPIRED') && !codes.has('QUOTE_NOT_PENDING')) return null;
    let reason: 'EXPIRED' | 'ALREADY_USED' = 'EXPIRED';
    if (!codes.has('QUOTE_EXPIRED')) {
      const wiseQuote = await this.deps.tokens
        .withUserToken(link, (token) => this.deps.api.getQuote({ token, customerId: transfer.customerId }, transfer.profileId, transfer.quoteId))
        .catch((error: unknown) => {
          // Only sharpens the reason (EXPIRED or ALREADY_USED); the quote is unusable either way.
          this.deps.logger.warn({ err: error, transferId: transfer.id }, 'could not read the quote at Wise to say why it is unusable');
          return null;
        });
      if (wiseQuote && wiseQuote.status !== 'EXPIRED' && wiseQuote.status !== 'PENDING') reason = 'ALREADY_USED';
    }
    const quote = await em.findOne(Quote, transfer.quoteId);
    if (quote && quote.status === 'PENDING') {
      quote.status = reason === 'EXPIRED' ? 'EXPIRED' : 'ACCEPTED';
      await em.flush();
    }
    return { kind: 'quote_not_usable', quoteId: transfer.quoteId, reason };
  }

  private async linkFor(em: EntityManager, transfer: Transfer): Promise<WiseLink> {
    const link = await em.findOne(WiseLink, { customerId: transfer.customerId, status: { $ne: 'UNLINKED' }, profileId: transfer.profileId });
    if (!link) throw new GatewayError('NOT_LINKED');
    return link;
  }

  // ---- funding and cancelling (services/transfer-funding.ts) --------------------------------

  async fund(em: EntityManager, customerId: string, transferId: string, oneTimeToken: string | null): Promise<FundTransferResult> {
    const { id } = await this.own(em, customerId, transferId);
    return this.funding.fund(em, id, oneTimeToken);
  }

  async cancel(em: EntityManager, customerId: string, transferId: string): Promise<CancelTransferResult> {
    const { id } = await this.own(em, customerId, transferId);
    return this.funding.cancel(em, id);
  }

  // ---- reads ---------------------------------------------------------------------------------

  async own(em: EntityManager, customerId: string, transferId: string): Promise<Transfer> {
    if (!UUID.test(transferId)) throw new GatewayError('NOT_FOUND', 'No such transfer for this customer');
    const transfer = await em.findOne(Transfer, { id: transferId, customerId });
    if (!transfer) throw new GatewayError('NOT_FOUND', 'No such transfer for this customer');
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
    await em.transactional(async (tx) => {
      const locked = await tx.findOneOrFail(Transfer, transfer.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      locked.data = wise;
      locked.syncedAt = new Date();
      const result = await this.states.applyState(tx, locked, wise.status, this.states.pollTime(locked), 'poll');
      await this.publishAtCommit(tx, result.events);
    });
    await em.refresh(transfer);
  }

  // ---- the sweep (jobs/transfer-sweep.ts) and reconciliation (services/reconciliation.ts) -----

  /** Finishes an interrupted creation if nobody is working on it; true when Wise now has it. */
  async resumeCreation(em: EntityManager, transferId: string): Promise<boolean> {
    const transfer = await em.findOne(Transfer, transferId);
    if (!transfer || transfer.creationState !== 'PENDING') return false;
    return (await this.createAtWise(em, transfer, { onlyIfFree: true }))?.kind === 'created';
  }

  /** Settles a DEBITED funding against Wise, unless an operation holds the transfer. */
  async settleFunding(em: EntityManager, transferId: string): Promise<'settled' | 'busy' | 'nothing'> {
    return this.funding.settleInterrupted(em, transferId);
  }

  /** Runs `work` under the transfer's money lock if nobody holds it now; undefined otherwise. */
  async ifFree<T>(transferId: string, work: () => Promise<T>): Promise<T | undefined> {
    return this.deps.locks.tryRun(transferId, work);
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

  /**
   * Published by Postgres when `tx` commits (never if it rolls back), in the transaction's own
   * round trips: one statement fewer on the way back to the caller than publishing after.
   */
  private async publishAtCommit(tx: EntityManager, events: DomainEvent[]): Promise<DomainEvent[]> {
    await this.deps.events.publishOnCommit(ormSql(tx), events);
    return events;
  }
}

/** A settled read's value, or its error thrown. */
function settledValue<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}
