import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Transfer } from '../entities/Transfer.js';
import type { GatewayContext } from '../http/context.js';
import { oncePerEvent } from '../services/event-memo.js';
import type { DomainEvent } from '../services/events.js';
import { amountString } from '../services/money.js';
import { recipientSummary } from '../services/recipients.js';
import { quotesById, recipientsById, transferPage, transferWithRelations, type TransferRow } from '../services/read-models.js';
import { parseWiseTime, TRANSFER_STATES, TransferNotFoundError } from '../services/transfers.js';
import { ErrorCode, gatewayError } from '../schema/errors.js';
import { FieldValueInput, QuoteType, RecipientFormOptionType, RecipientType } from '../schema/types/money.js';
import {
  CancelTransferResult,
  CreateTransferResult,
  FundingRejected,
  FundTransferResult,
  IdempotencyKeyReused,
  InsufficientFunds,
  QuoteNotUsable,
  ScaRequired,
  TransferCancelled,
  TransferConnectionType,
  TransferCreated,
  TransferFunded,
  TransferInvalid,
  TransferNotCancellable,
  TransferStateChangeType,
  TransferStatusChangeType,
  TransferStatusEnum,
  TransferType,
  VerificationRequired,
} from '../schema/types/transfers.js';
import { toFieldErrors, viewerEvents } from './mappers.js';

type TransferEvent = Extract<DomainEvent, { type: 'transfer.changed' }>;

const LABELS: Record<string, string> = {
  incoming_payment_waiting: 'On its way to Wise',
  incoming_payment_initiated: 'On its way to Wise',
  waiting_recipient_input_to_proceed: 'Waiting for the recipient',
  processing: 'Processing',
  funds_converted: 'Processing',
  outgoing_payment_sent: 'Sent',
  charged_back: 'Charged back',
  cancelled: 'Cancelled',
  funds_refunded: 'Refunded',
  bounced_back: 'Bounced back',
  unknown: 'Unknown',
};

function statusOf(wiseStatus: string): TransferStatusEnum {
  return (TRANSFER_STATES as readonly string[]).includes(wiseStatus) ? (wiseStatus as TransferStatusEnum) : TransferStatusEnum.UNKNOWN;
}

export function toTransfer(t: Transfer | TransferRow, quote: QuoteType | null, recipient: RecipientType | null): TransferType {
  const wiseTransferId = t.wiseTransferId === null ? null : String(t.wiseTransferId);
  const money = (amount: string, currency: string) => ({ amount: amountString(amount, currency), currency });
  return Object.assign(new TransferType(), {
    id: t.id,
    wiseTransferId,
    status: statusOf(t.status),
    wiseStatus: t.status,
    statusLabel: LABELS[t.status] ?? 'Unknown',
    funding: t.fundingState as TransferType['funding'],
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

/** A single transfer (mutations, subscriptions) with its quote and recipient. */
async function withRelations(ctx: GatewayContext, t: Transfer): Promise<TransferType> {
  // Read afresh (not through the context's loaders: a subscription's context lives long).
  const [[quote], [recipient]] = await Promise.all([quotesById(ctx.reads, [t.quoteId]), recipientsById(ctx.reads, [t.recipientId])]);
  return toTransfer(t, quote as QuoteType | null, recipient);
}

/** A page as Wise has it (cache bypassed): built from Wise's objects, nothing from Postgres. */
function fromWise(page: Awaited<ReturnType<GatewayContext['services']['transfers']['pageFromWise']>>): TransferConnectionType {
  const edges = page.map(({ transfer: t, quote, recipient }) => {
    const node = Object.assign(new TransferType(), {
      id: `wise:${t.id}`,
      wiseTransferId: String(t.id),
      status: statusOf(t.status),
      wiseStatus: t.status,
      statusLabel: LABELS[t.status] ?? 'Unknown',
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
        id: quote.id,
        profileId: String(quote.profile),
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
      } as unknown as QuoteType,
      recipient: {
        id: String(recipient.id),
        profileId: String(recipient.profileId),
        ...recipientSummary(recipient),
        type: recipient.type,
      },
      history: [],
    });
    return { cursor: `wise:${t.id}`, node };
  });
  return { edges, pageInfo: { hasNextPage: false, endCursor: null } };
}

const isUuid = (v: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);

function parseRecipientId(id: string): number {
  if (!/^\d{1,15}$/.test(id)) throw gatewayError(ErrorCode.BAD_USER_INPUT, 'recipientId must be a Wise recipient id', { field: 'recipientId' });
  return Number(id);
}

function encodeTransferCursor(t: TransferType): string {
  return Buffer.from(`transfer:${t.createdAt.toISOString()}:${t.id}`).toString('base64url');
}

/** Only what encodeTransferCursor writes: an ISO time in years 0000–9999 and a UUID (Postgres reads both). */
const TRANSFER_CURSOR = /^transfer:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

function decodeTransferCursor(cursor: string): { createdAt: Date; id: string } {
  const match = TRANSFER_CURSOR.exec(Buffer.from(cursor, 'base64url').toString());
  const createdAt = match ? new Date(match[1]) : new Date(NaN);
  if (!match || Number.isNaN(createdAt.getTime())) throw gatewayError(ErrorCode.BAD_USER_INPUT, 'after is not a cursor of this list', { field: 'after' });
  return { createdAt, id: match[2] };
}

@Resolver(() => TransferType)
export class TransfersResolver {
  @Query(() => RecipientFormOptionType, { description: 'What Wise needs to know about a transfer (reference, purpose, source of funds…), as a form; refresh it with values like the recipient form.' })
  async transferRequirements(
    @Ctx() ctx: GatewayContext,
    @Arg('quoteId', () => ID) quoteId: string,
    @Arg('recipientId', () => ID) recipientId: string,
    @Arg('values', () => [FieldValueInput], { nullable: true }) values?: FieldValueInput[],
  ): Promise<RecipientFormOptionType> {
    if (!isUuid(quoteId)) throw gatewayError(ErrorCode.BAD_USER_INPUT, 'Not a quote id', { field: 'quoteId' });
    const form = await ctx.services.transfers.requirements(ctx.em, ctx.viewer.customerId, quoteId, parseRecipientId(recipientId), values ?? []);
    return { ...form, fields: form.fields.map((f) => ({ ...f, control: f.control as RecipientFormOptionType['fields'][number]['control'] })) };
  }

  @Mutation(() => CreateTransferResult, {
    description: 'Creates the transfer at Wise. The idempotency key makes it safe to repeat: the same key returns the same transfer; the same key with other input is refused.',
  })
  async createTransfer(
    @Ctx() ctx: GatewayContext,
    @Arg('quoteId', () => ID) quoteId: string,
    @Arg('recipientId', () => ID) recipientId: string,
    @Arg('idempotencyKey', () => String) idempotencyKey: string,
    @Arg('details', () => [FieldValueInput], { nullable: true, description: 'Values of the transfer requirements form.' }) details?: FieldValueInput[],
  ): Promise<typeof CreateTransferResult> {
    if (!isUuid(quoteId)) throw gatewayError(ErrorCode.BAD_USER_INPUT, 'Not a quote id', { field: 'quoteId' });
    await ctx.services.rollout.ensureQuoteOffered(ctx.viewer.customerId, quoteId);
    const result = await ctx.services.transfers.create(ctx.em, ctx.viewer.customerId, { quoteId: quoteId.toLowerCase(), recipientId: parseRecipientId(recipientId), values: details ?? [], idempotencyKey });
    switch (result.kind) {
      case 'created':
        return Object.assign(new TransferCreated(), { transfer: await withRelations(ctx, result.transfer) });
      case 'not_verified':
        return Object.assign(new VerificationRequired(), { message: result.message, maximumEntitledAmount: { amount: result.maximumEntitledAmount, currency: result.currency } });
      case 'quote_not_usable':
        return Object.assign(new QuoteNotUsable(), { quoteId: result.quoteId, reason: result.reason });
      case 'insufficient_funds':
        return Object.assign(new InsufficientFunds(), { available: result.available === null ? null : { amount: result.available, currency: result.currency }, required: { amount: result.required, currency: result.currency } });
      case 'invalid':
        return Object.assign(new TransferInvalid(), { fieldErrors: toFieldErrors(result.fieldErrors) });
      case 'idempotency_conflict':
        return Object.assign(new IdempotencyKeyReused(), { message: result.message });
    }
  }

  @Mutation(() => FundTransferResult, { description: "Debits the customer's bank account and funds the transfer at Wise from the balance. Safe to repeat." })
  async fundTransfer(
    @Ctx() ctx: GatewayContext,
    @Arg('transferId', () => ID) transferId: string,
    @Arg('oneTimeToken', () => String, { nullable: true, description: 'From ScaRequired, once the customer approved.' }) oneTimeToken?: string,
  ): Promise<typeof FundTransferResult> {
    const result = await ctx.services.transfers.fund(ctx.em, ctx.viewer.customerId, transferId, oneTimeToken ?? null);
    const transfer = await withRelations(ctx, result.transfer);
    switch (result.kind) {
      case 'funded':
        return Object.assign(new TransferFunded(), { transfer });
      case 'sca_required':
        return Object.assign(new ScaRequired(), { transfer, oneTimeToken: result.oneTimeToken });
      case 'rejected':
        return Object.assign(new FundingRejected(), { transfer, reason: result.reason, message: result.message });
      case 'insufficient_funds':
        return Object.assign(new InsufficientFunds(), { available: result.available === null ? null : { amount: result.available, currency: result.currency }, required: { amount: result.required, currency: result.currency } });
    }
  }

  @Mutation(() => CancelTransferResult, { description: 'Cancels at Wise while it still can; money already debited goes back to the customer.' })
  async cancelTransfer(@Ctx() ctx: GatewayContext, @Arg('transferId', () => ID) transferId: string): Promise<typeof CancelTransferResult> {
    const result = await ctx.services.transfers.cancel(ctx.em, ctx.viewer.customerId, transferId);
    const transfer = await withRelations(ctx, result.transfer);
    if (result.kind === 'cancelled') return Object.assign(new TransferCancelled(), { transfer });
    return Object.assign(new TransferNotCancellable(), { transfer, message: result.message });
  }

  @Query(() => TransferType, { nullable: true, description: "A transfer from the gateway's copy; null when it is not the customer's." })
  async transfer(@Ctx() ctx: GatewayContext, @Arg('id', () => ID) id: string): Promise<TransferType | null> {
    if (!isUuid(id)) return null;
    // Only "not this customer's" is null; anything else (the database down) is an error.
    const transfer = await ctx.services.transfers.own(ctx.em, ctx.viewer.customerId, id).catch((error: unknown) => {
      if (error instanceof TransferNotFoundError) return null;
      throw error;
    });
    return transfer ? withRelations(ctx, transfer) : null;
  }

  @Query(() => TransferConnectionType, { description: "The customer's transfers, newest first, from the gateway's copy (kept current by webhooks and a sweep)." })
  async transfers(
    @Ctx() ctx: GatewayContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('status', () => [TransferStatusEnum], { nullable: true }) status?: TransferStatusEnum[],
    @Arg('createdAfter', () => Date, { nullable: true }) createdAfter?: Date,
    @Arg('createdBefore', () => Date, { nullable: true }) createdBefore?: Date,
  ): Promise<TransferConnectionType> {
    if (first < 1 || first > 100) throw gatewayError(ErrorCode.BAD_USER_INPUT, 'first must be between 1 and 100', { field: 'first' });
    if (ctx.bypassCache) return fromWise(await ctx.services.transfers.pageFromWise(ctx.em, ctx.viewer.customerId, first));
    const page = await transferPage(ctx.reads, ctx.viewer.customerId, first, after ? decodeTransferCursor(after) : null, {
      statuses: status ?? null,
      createdAfter: createdAfter ?? null,
      createdBefore: createdBefore ?? null,
    });
    // The page came with its quotes and recipients joined in.
    const quotes = new Map(page.quotes.map((q) => [q.id, q as QuoteType]));
    const recipients = new Map(page.recipients.map((r) => [Number(r.id), r]));
    const edges = page.items.map((t) => {
      const node = toTransfer(t, quotes.get(t.quoteId) ?? null, recipients.get(t.recipientId) ?? null);
      return { cursor: encodeTransferCursor(node), node };
    });
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  @FieldResolver(() => [TransferStateChangeType])
  async history(@Root() transfer: TransferType, @Ctx() ctx: GatewayContext): Promise<TransferStateChangeType[]> {
    if (transfer.history !== undefined) return transfer.history;
    const events = await ctx.loaders.transferHistory.load(transfer.id);
    return events.map((e) => ({ status: statusOf(e.state), wiseStatus: e.state, occurredAt: e.occurredAt }));
  }

  @Subscription(() => TransferStatusChangeType, {
    description:
      "Every state the customer's transfers (or one, with transferId) move to, once each and in Wise's order, from any replica. With `after` (the last `sequence` received), what came after it is sent first, then the live stream: nothing missed, nothing twice.",
    subscribe: ({ context, args }) => {
      const ctx = context as GatewayContext;
      const only = args.transferId ? String(args.transferId) : undefined;
      const accept = (e: DomainEvent): e is TransferEvent => e.type === 'transfer.changed' && (!only || e.transferId === only);
      return viewerEvents(ctx, args.after, accept);
    },
  })
  async transferStatusChanged(
    @Root() event: TransferEvent,
    @Ctx() ctx: GatewayContext,
    @Arg('transferId', () => ID, { nullable: true }) _transferId?: string,
    @Arg('after', () => String, { nullable: true, description: 'The last sequence received: resume after it.' }) _after?: string,
  ): Promise<TransferStatusChangeType> {
    // The state is the event's own; the transfer around it is read once per event, shared by
    // every subscriber the event reaches.
    const transfer = await oncePerEvent(event, 'transfer', async () => {
      const found = await transferWithRelations(ctx.reads, event.customerId, event.transferId);
      if (!found) throw new TransferNotFoundError();
      return toTransfer(found.transfer, found.quote as QuoteType | null, found.recipient);
    });
    return {
      sequence: String(event.sequence),
      transferId: event.transferId,
      status: statusOf(event.state),
      wiseStatus: event.state,
      statusLabel: LABELS[event.state] ?? 'Unknown',
      occurredAt: new Date(event.occurredAt),
      transfer,
    };
  }
}
