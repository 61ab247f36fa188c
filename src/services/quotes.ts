/**
 * Quotes: created at Wise, kept in Postgres and read from there. A quote expires 30 minutes
 * after creation (Wise's rule); an expired one says so without asking Wise, and can be quoted
 * again with the same terms.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Quote, type QuoteStatus } from '../entities/Quote.js';
import type { WiseApi } from '../wise/api.js';
import type { WisePaymentOption, WiseQuote } from '../wise/objects.js';
import { amountString, checkAmount, rateString, toWiseNumber } from '../domain/money.js';
import { requireLinkedProfile } from './links.js';
import type { WiseTokens } from './wise-tokens.js';
import { GatewayError } from '../domain/errors.js';

export type QuoteInput = { sourceCurrency: string; targetCurrency: string; sourceAmount?: string | null; targetAmount?: string | null };

/** The bank funds transfers from the customer's Wise balance: its option is the one shown. */
export function chosenOption(quote: Pick<WiseQuote, 'paymentOptions' | 'payOut'>): WisePaymentOption | undefined {
  const options = quote.paymentOptions ?? [];
  return (
    options.find((o) => o.payIn === 'BALANCE' && o.payOut === quote.payOut && !o.disabled) ??
    options.find((o) => o.payOut === quote.payOut && !o.disabled) ??
    options[0]
  );
}

export function effectiveStatus(quote: Quote, now = Date.now()): QuoteStatus {
  return quote.status === 'PENDING' && quote.expiresAt.getTime() <= now ? 'EXPIRED' : quote.status;
}

export class QuoteService {
  constructor(private readonly deps: { api: WiseApi; tokens: WiseTokens }) {}

  async create(em: EntityManager, customerId: string, input: QuoteInput): Promise<Quote> {
    const source = input.sourceCurrency.trim().toUpperCase();
    const target = input.targetCurrency.trim().toUpperCase();
    for (const [field, value] of [['sourceCurrency', source], ['targetCurrency', target]] as const) {
      if (!/^[A-Z]{3}$/.test(value)) throw new GatewayError('INVALID_INPUT', `${field} must be an ISO 4217 code such as GBP`, { field });
    }
    const hasSource = input.sourceAmount !== undefined && input.sourceAmount !== null;
    const hasTarget = input.targetAmount !== undefined && input.targetAmount !== null;
    if (hasSource === hasTarget) throw new GatewayError('INVALID_INPUT', 'Give exactly one of sourceAmount or targetAmount', { field: hasSource ? 'targetAmount' : 'sourceAmount' });
    const [field, amount, currency] = hasSource ? (['sourceAmount', input.sourceAmount!, source] as const) : (['targetAmount', input.targetAmount!, target] as const);
    const problem = checkAmount(amount, currency);
    if (problem) throw new GatewayError('INVALID_INPUT', `${field} ${problem}`, { field });

    const link = await requireLinkedProfile(em, customerId);
    const wise = await this.deps.tokens.withUserToken(link, (token) =>
      this.deps.api.createQuote({ token, customerId }, link.profileId, {
        sourceCurrency: source,
        targetCurrency: target,
        [field]: toWiseNumber(amount),
        // Paid from the customer's Wise balance, so the fees match how it is funded.
        preferredPayIn: 'BALANCE',
      }),
    );
    return this.store(em, customerId, wise);
  }

  /** From the cache only: a second read never calls Wise. */
  get(em: EntityManager, customerId: string, id: string): Promise<Quote | null> {
    return em.findOne(Quote, { id, customerId });
  }

  /** A new quote on the terms of an earlier (expired) one. */
  async requote(em: EntityManager, customerId: string, id: string): Promise<Quote | null> {
    const old = await this.get(em, customerId, id);
    if (!old) return null;
    const provided = old.providedAmountType === 'SOURCE' ? { sourceAmount: amountString(old.sourceAmount, old.sourceCurrency) } : { targetAmount: amountString(old.targetAmount, old.targetCurrency) };
    return this.create(em, customerId, { sourceCurrency: old.sourceCurrency, targetCurrency: old.targetCurrency, ...provided });
  }

  async store(em: EntityManager, customerId: string, wise: WiseQuote): Promise<Quote> {
    const option = chosenOption(wise);
    const fee = option?.price?.total?.value?.amount ?? option?.fee?.total ?? 0;
    const values = {
      id: wise.id,
      customerId,
      profileId: wise.profile,
      sourceCurrency: wise.sourceCurrency,
      targetCurrency: wise.targetCurrency,
      sourceAmount: amountString(wise.sourceAmount ?? option?.sourceAmount ?? 0, wise.sourceCurrency),
      targetAmount: amountString(wise.targetAmount ?? option?.targetAmount ?? 0, wise.targetCurrency),
      rate: rateString(wise.rate),
      fee: amountString(fee, wise.sourceCurrency),
      providedAmountType: wise.providedAmountType,
      payOut: wise.payOut,
      status: wise.status,
      targetAccount: wise.targetAccount ?? null,
      createdAt: new Date(wise.createdTime),
      expiresAt: new Date(wise.expirationTime),
      data: wise as Record<string, unknown>,
      syncedAt: new Date(),
    };
    let quote = await em.findOne(Quote, { id: wise.id });
    if (quote) em.assign(quote, values);
    else quote = em.create(Quote, values);
    await em.flush();
    return quote;
  }
}
