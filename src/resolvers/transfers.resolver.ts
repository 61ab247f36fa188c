import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Transfer as TransferEntity } from '../entities/Transfer.js';
import { fromGlobalId, toGlobalId } from '../schema/ids.js';
import { userError, UserErrorCode } from '../schema/errors.js';
import { FieldValueInput } from '../schema/recipients.js';
import {
  CancelTransferInput,
  CancelTransferResult,
  CreateTransferInput,
  CreateTransferResult,
  FundingRejected,
  FundTransferInput,
  FundTransferResult,
  IdempotencyKeyReused,
  InsufficientFunds,
  QuoteNotUsable,
  ScaRequired,
  Transfer,
  TransferCancelled,
  TransferConnection,
  TransferCreated,
  TransferForm,
  TransferFunded,
  TransferInvalid,
  TransferNotCancellable,
  TransferStateChange,
  TransferStatusChange,
  TransferStatusEnum,
  VerificationRequired,
} from '../schema/transfers.js';
import { oncePerEvent } from '../services/event-memo.js';
import type { DomainEvent } from '../services/events.js';
import { quotesById, recipientsById, transferPage, transferWithRelations } from '../services/read-models.js';
import { GatewayError, isGatewayError } from '../domain/errors.js';
import { labelOf } from '../domain/transfer-states.js';
import type { GatewayContext } from './context.js';
import { notFoundAs, toFieldErrors } from './errors.js';
import { localId, localIdOrNull, wiseId } from './ids.js';
import { checkFirst, decodeCursor, pageInfo } from './pagination.js';
import { quoteFromRow, toQuote } from './quotes.mappers.js';
import { toRecipient, toFormOption } from './recipients.mappers.js';
import { viewerEvents } from './subscriptions.js';
import { statusOf, toTransfer, transferCursor, transfersFromWise } from './transfers.mappers.js';

type TransferEvent = Extract<DomainEvent, { type: 'transfer.changed' }>;

/** A single transfer (mutations, subscriptions) with its quote and recipient. */
async function withRelations(ctx: GatewayContext, t: TransferEntity): Promise<Transfer> {
  // Read afresh (not through the context's loaders: a subscription's context lives long).
  const [[quote], [recipient]] = await Promise.all([quotesById(ctx.reads, [t.quoteId]), recipientsById(ctx.reads, [t.recipientId])]);
  return toTransfer(t, quote ? quoteFromRow(quote) : null, recipient ? toRecipient(recipient) : null);
}

/** One of the customer's transfers by global id, or null (not found and not yours alike). */
export async function ownTransfer(ctx: GatewayContext, id: string): Promise<Transfer | null> {
  const local = localIdOrNull('Transfer', id);
  if (local === null) return null;
  // Only "not this customer's" is null; anything else (the database down) is an error.
  const transfer = await ctx.services.transfers.own(ctx.em, ctx.viewer.customerId, local).catch((error: unknown) => {
    if (isGatewayError(error, 'NOT_FOUND')) return null;
    throw error;
  });
  return transfer ? withRelations(ctx, transfer) : null;
}

function decodeTransferCursor(cursor: string): { createdAt: Date; id: string } {
  const [createdAt, id] = decodeCursor(cursor, 'transfers', 2);
  const at = new Date(createdAt);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(createdAt) || Number.isNaN(at.getTime()) || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) decodeCursor('', 'transfers', 2);
  return { createdAt: at, id };
}

@Resolver(() => Transfer)
export class TransfersResolver {
  @Query(() => TransferForm, { description: 'What Wise needs to know about a transfer (reference, purpose, source of funds…), as a form; refresh it with values like the recipient form.' })
  async transferForm(
    @Ctx() ctx: GatewayContext,
    @Arg('quoteId', () => ID) quoteId: string,
    @Arg('recipientId', () => ID) recipientId: string,
    @Arg('values', () => [FieldValueInput], { nullable: true }) values?: FieldValueInput[] | null,
  ): Promise<TransferForm> {
    const local = { quoteId: localId('Quote', quoteId, 'quoteId'), recipientId: wiseId('Recipient', recipientId, 'recipientId') };
    const option = await notFoundAs(
      (field) => field ?? 'quoteId',
      () => ctx.services.transfers.requirements(ctx.em, ctx.viewer.customerId, local.quoteId, local.recipientId, values ?? []),
    );
    const { title, usageInfo, fields, groups } = toFormOption(option);
    return { quoteId, recipientId, title, usageInfo, fields, groups };
  }

  @Mutation(() => CreateTransferResult, {
    description: 'Creates the transfer at Wise. The idempotency key makes it safe to repeat: the same key returns the same transfer; the same key with other input is refused.',
  })
  async createTransfer(@Ctx() ctx: GatewayContext, @Arg('input', () => CreateTransferInput) input: CreateTransferInput): Promise<typeof CreateTransferResult> {
    const quoteId = localId('Quote', input.quoteId, 'input.quoteId');
    const recipientId = wiseId('Recipient', input.recipientId, 'input.recipientId');
    // Asked now, judged by create before anything it read (one round trip fewer on the way).
    const offered = ctx.services.rollout.ensureQuoteOffered(ctx.viewer.customerId, quoteId);
    offered.catch(() => undefined); // judged (and thrown) by create; not an unhandled rejection meanwhile
    const result = await notFoundAs(
      (field) => `input.${field ?? 'quoteId'}`,
      () => ctx.services.transfers.create(ctx.em, ctx.viewer.customerId, { quoteId, recipientId, values: input.values ?? [], idempotencyKey: input.idempotencyKey }, offered),
    );
    switch (result.kind) {
      case 'created':
        return Object.assign(new TransferCreated(), {
          // The creation has its quote and recipient in hand as it left them: no read for them.
          transfer: result.relations ? toTransfer(result.transfer, toQuote(result.relations.quote), toRecipient(result.relations.recipient)) : await withRelations(ctx, result.transfer),
        });
      case 'not_verified':
        return userError(
          VerificationRequired,
          { message: result.message, maximumEntitledAmount: { amount: result.maximumEntitledAmount, currency: result.currency } },
          UserErrorCode.VERIFICATION_REQUIRED,
        );
      case 'quote_not_usable':
        return userError(
          QuoteNotUsable,
          { message: result.reason === 'EXPIRED' ? 'The quote expired: requote it.' : 'The quote was already used: requote it.', field: 'input.quoteId', quoteId: toGlobalId('Quote', result.quoteId), reason: result.reason as QuoteNotUsable['reason'] },
          UserErrorCode.QUOTE_NOT_USABLE,
        );
      case 'insufficient_funds':
        return insufficientFunds(result);
      case 'invalid': {
        const fieldErrors = toFieldErrors(result.fieldErrors);
        return userError(TransferInvalid, { message: 'Some details need correcting.', field: fieldErrors[0]?.path ?? null, fieldErrors }, UserErrorCode.INVALID_INPUT);
      }
      case 'idempotency_conflict':
        return userError(IdempotencyKeyReused, { message: result.message, field: 'input.idempotencyKey' }, UserErrorCode.IDEMPOTENCY_KEY_REUSED);
    }
  }

  @Mutation(() => FundTransferResult, { description: "Debits the customer's bank account and funds the transfer at Wise from the balance. Safe to repeat." })
  async fundTransfer(@Ctx() ctx: GatewayContext, @Arg('input', () => FundTransferInput) input: FundTransferInput): Promise<typeof FundTransferResult> {
    const transferId = localId('Transfer', input.transferId, 'input.transferId');
    const result = await notFoundAs(() => 'input.transferId', () => ctx.services.transfers.fund(ctx.em, ctx.viewer.customerId, transferId, input.oneTimeToken ?? null));
    const transfer = await withRelations(ctx, result.transfer);
    switch (result.kind) {
      case 'funded':
        return Object.assign(new TransferFunded(), { transfer });
      case 'sca_required':
        return userError(ScaRequired, { transfer, oneTimeToken: result.oneTimeToken, message: 'Wise asks the customer to approve this payment.' }, UserErrorCode.SCA_REQUIRED);
      case 'rejected':
        return userError(FundingRejected, { transfer, reason: result.reason, message: result.message }, UserErrorCode.FUNDING_REJECTED);
      case 'insufficient_funds':
        return insufficientFunds(result);
    }
  }

  @Mutation(() => CancelTransferResult, { description: 'Cancels at Wise while it still can; money already debited goes back to the customer.' })
  async cancelTransfer(@Ctx() ctx: GatewayContext, @Arg('input', () => CancelTransferInput) input: CancelTransferInput): Promise<typeof CancelTransferResult> {
    const transferId = localId('Transfer', input.transferId, 'input.transferId');
    const result = await notFoundAs(() => 'input.transferId', () => ctx.services.transfers.cancel(ctx.em, ctx.viewer.customerId, transferId));
    const transfer = await withRelations(ctx, result.transfer);
    if (result.kind === 'cancelled') return Object.assign(new TransferCancelled(), { transfer });
    return userError(TransferNotCancellable, { transfer, message: result.message }, UserErrorCode.TRANSFER_NOT_CANCELLABLE);
  }

  @Query(() => Transfer, { nullable: true, description: "A transfer from the gateway's copy; null when it is not the customer's." })
  async transfer(@Ctx() ctx: GatewayContext, @Arg('id', () => ID) id: string): Promise<Transfer | null> {
    return ownTransfer(ctx, id);
  }

  @Query(() => TransferConnection, { description: "The customer's transfers, newest first, from the gateway's copy (kept current by webhooks and a sweep)." })
  async transfers(
    @Ctx() ctx: GatewayContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('status', () => [TransferStatusEnum], { nullable: true }) status?: TransferStatusEnum[] | null,
    @Arg('createdAfter', () => Date, { nullable: true }) createdAfter?: Date | null,
    @Arg('createdBefore', () => Date, { nullable: true }) createdBefore?: Date | null,
  ): Promise<TransferConnection> {
    checkFirst(first);
    if (ctx.bypassCache) {
      const edges = transfersFromWise(await ctx.services.transfers.pageFromWise(ctx.em, ctx.viewer.customerId, first));
      return { edges, pageInfo: pageInfo(edges, false, null) };
    }
    const page = await transferPage(ctx.reads, ctx.viewer.customerId, first, after ? decodeTransferCursor(after) : null, {
      statuses: status ?? null,
      createdAfter: createdAfter ?? null,
      createdBefore: createdBefore ?? null,
    });
    // The page came with its quotes and recipients joined in.
    ctx.freshness.readAt(page.readVersion);
    for (const q of page.quotes) if (q.changesAt) ctx.freshness.changesAt(q.changesAt);
    const quotes = new Map(page.quotes.map((q) => [q.id, quoteFromRow(q)]));
    const recipients = new Map(page.recipients.map((r) => [Number(r.id), toRecipient(r)]));
    const edges = page.items.map((t) => {
      const node = toTransfer(t, quotes.get(t.quoteId) ?? null, recipients.get(t.recipientId) ?? null);
      return { cursor: transferCursor(node, t.id), node };
    });
    return { edges, pageInfo: pageInfo(edges, page.hasNextPage, after) };
  }

  @FieldResolver(() => [TransferStateChange])
  async history(@Root() transfer: Transfer, @Ctx() ctx: GatewayContext): Promise<TransferStateChange[]> {
    if (transfer.history !== undefined) return transfer.history;
    const events = await ctx.loaders.transferHistory.load(fromGlobalId(transfer.id)!.localId);
    return events.map((e) => ({ status: statusOf(e.state), wiseStatus: e.state, occurredAt: e.occurredAt }));
  }

  @Subscription(() => TransferStatusChange, {
    description:
      "Every state the customer's transfers (or one, with transferId) move to, once each and in Wise's order, from any replica. With `after` (the last `sequence` received), what came after it is sent first, then the live stream: nothing missed, nothing twice.",
    subscribe: ({ context, args }) => {
      const ctx = context as GatewayContext;
      const only = args.transferId ? localId('Transfer', String(args.transferId), 'transferId') : undefined;
      const accept = (e: DomainEvent): e is TransferEvent => e.type === 'transfer.changed' && (!only || e.transferId === only);
      return viewerEvents(ctx, args.after, accept);
    },
  })
  async transferStatusChanged(
    @Root() event: TransferEvent,
    @Ctx() ctx: GatewayContext,
    @Arg('transferId', () => ID, { nullable: true }) _transferId?: string,
    @Arg('after', () => String, { nullable: true, description: 'The last sequence received: resume after it.' }) _after?: string,
  ): Promise<TransferStatusChange> {
    // The state is the event's own; the transfer around it is read once per event, shared by
    // every subscriber the event reaches.
    const transfer = await oncePerEvent(event, 'transfer', async () => {
      const found = await transferWithRelations(ctx.reads, event.customerId, event.transferId);
      if (!found) throw new GatewayError('NOT_FOUND', 'No such transfer for this customer');
      return toTransfer(found.transfer, found.quote ? quoteFromRow(found.quote) : null, found.recipient ? toRecipient(found.recipient) : null);
    });
    return {
      sequence: String(event.sequence),
      transferId: toGlobalId('Transfer', event.transferId),
      status: statusOf(event.state),
      wiseStatus: event.state,
      statusLabel: labelOf(event.state),
      occurredAt: new Date(event.occurredAt),
      transfer,
    };
  }
}

function insufficientFunds(result: { available: string | null; required: string; currency: string }): InsufficientFunds {
  return userError(
    InsufficientFunds,
    {
      message: "The customer's bank account does not cover the transfer.",
      available: result.available === null ? null : { amount: result.available, currency: result.currency },
      required: { amount: result.required, currency: result.currency },
    },
    UserErrorCode.INSUFFICIENT_FUNDS,
  );
}
