import { isTransferState, labelOf } from '../domain/transfer-states.js';
import type { Transfer as TransferEntity } from '../entities/Transfer.js';
import { toGlobalId } from '../schema/ids.js';
import type { Quote } from '../schema/quotes.js';
import type { Recipient } from '../schema/recipients.js';
import { Transfer, type TransferStatusEnum } from '../schema/transfers.js';
import { amountString } from '../domain/money.js';
import type { TransferRow } from '../services/read-models.js';
import { recipientSummary } from '../services/recipients.js';
import { parseWiseTime } from '../services/transfers.js';
import type { GatewayContext } from './context.js';
import { encodeCursor } from './pagination.js';

export function statusOf(wiseStatus: string): TransferStatusEnum {
  return isTransferState(wiseStatus) ? wiseStatus : 'unknown';
}

export function toTransfer(t: TransferEntity | TransferRow, quote: Quote | null, recipient: Recipient | null): Transfer {
  const money = (amount: string, currency: string) => ({ amount: amountString(amount, currency), currency });
  return Object.assign(new Transfer(), {
    id: toGlobalId('Transfer', t.id),
    wiseTransferId: t.wiseTransferId === null ? null : String(t.wiseTransferId),
    status: statusOf(t.status),
    wiseStatus: t.status,
    statusLabel: labelOf(t.status),
    funding: t.fundingState as Transfer['funding'],
    refunded: t.refunded,
    sourceAmount: money(t.sourceAmount, t.sourceCurrency),
    targetAmount: money(t.targetAmount, t.targetCurrency),
    rate: String(Number(t.rate)),
    fee: money(t.fee, t.sourceCurrency),
    reference: t.reference,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    quote,
    recipient,
  });
}

export function transferCursor(t: Transfer, localId: string): string {
  return encodeCursor('transfers', [t.createdAt.toISOString(), localId]);
}

/** A page as Wise has it (cache bypassed, outside production): built from Wise's objects only. */
export function transfersFromWise(page: Awaited<ReturnType<GatewayContext['services']['transfers']['pageFromWise']>>) {
  return page.map(({ transfer: t, quote, recipient }) => {
    const node = Object.assign(new Transfer(), {
      id: toGlobalId('Transfer', `wise:${t.id}`),
      wiseTransferId: String(t.id),
      status: statusOf(t.status),
      wiseStatus: t.status,
      statusLabel: labelOf(t.status),
      funding: 'NOT_FUNDED',
      refunded: false,
      sourceAmount: { amount: amountString(t.sourceValue, t.sourceCurrency), currency: t.sourceCurrency },
      targetAmount: { amount: amountString(t.targetValue, t.targetCurrency), currency: t.targetCurrency },
      rate: String(t.rate),
      fee: { amount: amountString(0, t.sourceCurrency), currency: t.sourceCurrency },
      reference: t.reference ?? '',
      createdAt: parseWiseTime(t.created),
      updatedAt: parseWiseTime(t.created),
      quote: {
        id: toGlobalId('Quote', quote.id),
        wiseQuoteId: quote.id,
        profileId: toGlobalId('WiseProfile', quote.profile),
        sourceAmount: { amount: amountString(quote.sourceAmount ?? 0, quote.sourceCurrency), currency: quote.sourceCurrency },
        targetAmount: { amount: amountString(quote.targetAmount ?? 0, quote.targetCurrency), currency: quote.targetCurrency },
        rate: String(quote.rate),
        fee: { amount: amountString(0, quote.sourceCurrency), currency: quote.sourceCurrency },
        providedAmountType: quote.providedAmountType,
        payOut: quote.payOut,
        status: quote.status,
        expired: quote.status === 'EXPIRED',
        createdAt: new Date(quote.createdTime),
        expiresAt: new Date(quote.expirationTime),
        paymentOptions: [],
        notices: [],
      } as unknown as Quote,
      recipient: {
        id: toGlobalId('Recipient', recipient.id),
        wiseRecipientId: String(recipient.id),
        profileId: toGlobalId('WiseProfile', recipient.profileId),
        ...recipientSummary(recipient),
        type: recipient.type,
      },
      history: [],
    });
    return { cursor: encodeCursor('transfers-wise', [t.id]), node };
  });
}
