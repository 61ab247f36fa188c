import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { ErrorCode, gatewayError, userError, UserErrorCode } from '../schema/errors.js';
import {
  CreateRecipientInput,
  CreateRecipientResult,
  DeleteRecipientInput,
  DeleteRecipientResult,
  FieldValueInput,
  Recipient,
  RecipientConnection,
  RecipientCreated,
  RecipientForm,
  RecipientInvalid,
} from '../schema/recipients.js';
import { CurrencyCodeScalar } from '../schema/scalars.js';
import type { FormTarget } from '../services/recipients.js';
import type { GatewayContext } from './context.js';
import { notFoundAs, toFieldErrors } from './errors.js';
import { localId, wiseId } from './ids.js';
import { checkFirst, decodeCursor, encodeCursor, pageInfo } from './pagination.js';
import { toRecipient, toRecipientForm } from './recipients.mappers.js';

function formTarget(quoteId: string | null | undefined, currency: string | null | undefined, field: string): FormTarget {
  if (quoteId) return { quoteId: localId('Quote', quoteId, `${field}quoteId`) };
  if (currency) return { currency };
  throw gatewayError(ErrorCode.BAD_USER_INPUT, 'Give quoteId or currency', { field: `${field}quoteId` });
}

/** A recipient for a quote is on the quote's route; one in a currency, on any route to it. */
function ensureRecipientRouteOffered(ctx: GatewayContext, target: FormTarget): Promise<void> {
  const { rollout } = ctx.services;
  return 'quoteId' in target ? rollout.ensureQuoteOffered(ctx.viewer.customerId, target.quoteId) : rollout.ensureOffered(ctx.viewer.customerId, { targetCurrency: target.currency });
}

@Resolver(() => Recipient)
export class RecipientsResolver {
  @Query(() => RecipientForm, {
    description:
      'The recipient form for a quote (preferred) or a currency. Pass the values filled so far (and the chosen type) to get the refreshed form whenever a field with refreshOnChange changes; repeat until no new field appears.',
  })
  async recipientForm(
    @Ctx() ctx: GatewayContext,
    @Arg('quoteId', () => ID, { nullable: true }) quoteId?: string | null,
    @Arg('currency', () => CurrencyCodeScalar, { nullable: true }) currency?: string | null,
    @Arg('type', () => String, { nullable: true }) type?: string | null,
    @Arg('values', () => [FieldValueInput], { nullable: true }) values?: FieldValueInput[] | null,
  ): Promise<RecipientForm> {
    const target = formTarget(quoteId, currency, '');
    await ensureRecipientRouteOffered(ctx, target);
    return toRecipientForm(await notFoundAs(() => ('quoteId' in target ? 'quoteId' : 'currency'), () => ctx.services.recipients.form(ctx.em, ctx.viewer.customerId, target, type ?? null, values ?? [])));
  }

  @Mutation(() => CreateRecipientResult, { description: "Creates a recipient from a filled form; field errors come back keyed by the form's keys and nothing is stored." })
  async createRecipient(@Ctx() ctx: GatewayContext, @Arg('input', () => CreateRecipientInput) input: CreateRecipientInput): Promise<typeof CreateRecipientResult> {
    const target = formTarget(input.quoteId, input.currency, 'input.');
    await ensureRecipientRouteOffered(ctx, target);
    const result = await notFoundAs(() => ('quoteId' in target ? 'input.quoteId' : 'input.currency'), () => ctx.services.recipients.create(ctx.em, ctx.viewer.customerId, {
      ...target,
      type: input.type,
      accountHolderName: input.accountHolderName,
      values: input.values,
      ownedByCustomer: input.ownedByCustomer ?? undefined,
    }));
    if (result.kind === 'created') return Object.assign(new RecipientCreated(), { recipient: toRecipient(result.recipient) });
    const fieldErrors = toFieldErrors(result.fieldErrors);
    return userError(RecipientInvalid, { message: 'Some fields need correcting.', field: fieldErrors[0]?.path ?? null, fieldErrors }, UserErrorCode.INVALID_INPUT);
  }

  @Query(() => RecipientConnection, { description: "The customer's active recipients, from the gateway's copy." })
  async recipients(
    @Ctx() ctx: GatewayContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('currency', () => CurrencyCodeScalar, { nullable: true }) currency?: string | null,
  ): Promise<RecipientConnection> {
    checkFirst(first);
    const afterId = after ? Number(decodeCursor(after, 'recipients', 1)[0]) : null;
    if (afterId !== null && !Number.isSafeInteger(afterId)) decodeCursor('', 'recipients', 1);
    const page = await ctx.services.recipients.list(ctx.em, ctx.viewer.customerId, { first, afterId, currency: currency ?? null });
    const edges = page.items.map((r) => ({ cursor: encodeCursor('recipients', [r.id]), node: toRecipient(r) }));
    return { edges, pageInfo: pageInfo(edges, page.hasNextPage, after) };
  }

  @Mutation(() => DeleteRecipientResult, { description: 'Deactivates a recipient at Wise (it stays readable for past transfers).' })
  async deleteRecipient(@Ctx() ctx: GatewayContext, @Arg('input', () => DeleteRecipientInput) input: DeleteRecipientInput): Promise<DeleteRecipientResult> {
    const id = wiseId('Recipient', input.recipientId, 'input.recipientId');
    return { recipient: toRecipient(await notFoundAs(() => 'input.recipientId', () => ctx.services.recipients.delete(ctx.em, ctx.viewer.customerId, id))) };
  }
}
