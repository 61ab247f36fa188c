import type { Quote as QuoteEntity } from '../entities/Quote.js';
import { toGlobalId } from '../schema/ids.js';
import type { Quote } from '../schema/quotes.js';
import { amountString, fromNumeric, rateString } from '../domain/money.js';
import { effectiveStatus } from '../services/quotes.js';
import type { QuoteRow } from '../services/read-models.js';
import type { WiseQuote } from '../wise/objects.js';

/** Payment options and notices from Wise's quote: the part of a quote kept as JSON. */
export function quoteExtras(data: WiseQuote, sourceCurrency: string, targetCurrency: string): Pick<Quote, 'paymentOptions' | 'notices'> {
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

export function toQuote(quote: QuoteEntity): Quote {
  const status = effectiveStatus(quote);
  return {
    id: toGlobalId('Quote', quote.id),
    wiseQuoteId: quote.id,
    profileId: toGlobalId('WiseProfile', quote.profileId),
    sourceAmount: { amount: fromNumeric(quote.sourceAmount, quote.sourceCurrency), currency: quote.sourceCurrency },
    targetAmount: { amount: fromNumeric(quote.targetAmount, quote.targetCurrency), currency: quote.targetCurrency },
    rate: rateString(quote.rate),
    fee: { amount: fromNumeric(quote.fee, quote.sourceCurrency), currency: quote.sourceCurrency },
    providedAmountType: quote.providedAmountType as Quote['providedAmountType'],
    payOut: quote.payOut,
    status: status as Quote['status'],
    expired: status === 'EXPIRED',
    createdAt: quote.createdAt,
    expiresAt: quote.expiresAt,
    ...quoteExtras(quote.data as WiseQuote, quote.sourceCurrency, quote.targetCurrency),
  };
}


/** A quote from the lean read path (transfer pages): its JSON parts load only when asked for. */
export function quoteFromRow(row: QuoteRow): Quote {
  return {
    ...row,
    id: toGlobalId('Quote', row.id),
    wiseQuoteId: row.id,
    profileId: toGlobalId('WiseProfile', row.profileId),
    providedAmountType: row.providedAmountType as Quote['providedAmountType'],
    status: row.status as Quote['status'],
  };
}
