import type { Quote } from '../entities/Quote.js';
import type { Recipient } from '../entities/Recipient.js';
import { ErrorCode, gatewayError } from '../schema/errors.js';
import type { QuoteType, RecipientFormType, RecipientType } from '../schema/types/money.js';
import { amountString, fromNumeric, rateString } from '../services/money.js';
import { effectiveStatus } from '../services/quotes.js';
import type { RecipientForm } from '../services/recipients.js';
import type { WiseQuote } from '../wise/api.js';

/** Payment options and notices from Wise's quote: the part of a quote kept as JSON. */
export function quoteExtras(data: WiseQuote, sourceCurrency: string, targetCurrency: string): Pick<QuoteType, 'paymentOptions' | 'notices'> {
  const money = (amount: number | string, currency: string) => ({ amount: amountString(amount, currency), currency });
  return {
    paymentOptions: (data.paymentOptions ?? []).map((o) => ({
      payIn: o.payIn,
      payOut: o.payOut,
      sourceAmount: money(o.sourceAmount, sourceCurrency),
      targetAmount: money(o.targetAmount, targetCurrency),
      fee: money(o.price?.total?.value?.amount ?? o.fee?.total ?? 0, sourceCurrency),
      disabled: o.disabled ?? false,
      disabledReason: o.disabledReason?.message ?? null,
      estimatedDelivery: o.estimatedDelivery ? new Date(o.estimatedDelivery) : null,
      formattedEstimatedDelivery: o.formattedEstimatedDelivery ?? null,
    })),
    notices: (data.notices ?? []).map((n) => ({ text: n.text, type: n.type })),
  };
}

export function toQuote(quote: Quote): QuoteType {
  const status = effectiveStatus(quote);
  return {
    id: quote.id,
    profileId: String(quote.profileId),
    sourceAmount: { amount: fromNumeric(quote.sourceAmount, quote.sourceCurrency), currency: quote.sourceCurrency },
    targetAmount: { amount: fromNumeric(quote.targetAmount, quote.targetCurrency), currency: quote.targetCurrency },
    rate: rateString(quote.rate),
    fee: { amount: fromNumeric(quote.fee, quote.sourceCurrency), currency: quote.sourceCurrency },
    providedAmountType: quote.providedAmountType as QuoteType['providedAmountType'],
    payOut: quote.payOut,
    status: status as QuoteType['status'],
    expired: status === 'EXPIRED',
    createdAt: quote.createdAt,
    expiresAt: quote.expiresAt,
    ...quoteExtras(quote.data as WiseQuote, quote.sourceCurrency, quote.targetCurrency),
  };
}

export function toRecipient(r: Recipient): RecipientType {
  return {
    id: String(r.id),
    profileId: String(r.profileId),
    currency: r.currency,
    type: r.type,
    accountHolderName: r.accountHolderName,
    legalEntityType: r.legalEntityType,
    country: r.country,
    accountSummary: r.accountSummary,
    longAccountSummary: r.longAccountSummary,
    active: r.active,
  };
}

export function toRecipientForm(form: RecipientForm): RecipientFormType {
  return {
    currency: form.currency,
    quoteId: form.quoteId,
    options: form.options.map((o) => ({
      ...o,
      fields: o.fields.map((f) => ({ ...f, control: f.control as RecipientFormType['options'][number]['fields'][number]['control'] })),
    })),
  };
}

/** Opaque cursors: "<kind>:<id>" in base64url. */
export function encodeCursor(kind: string, id: number | string): string {
  return Buffer.from(`${kind}:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string, kind: string): number {
  const [k, id] = Buffer.from(cursor, 'base64url').toString().split(':');
  if (k !== kind || !/^\d{1,15}$/.test(id ?? '')) throw gatewayError(ErrorCode.BAD_USER_INPUT, 'after is not a cursor of this list', { field: 'after' });
  return Number(id);
}
