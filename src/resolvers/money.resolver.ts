import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../http/context.js';
import { ErrorCode, gatewayError } from '../schema/errors.js';
import {
  CreateRecipientInput,
  CreateRecipientResult,
  FieldValueInput,
  QuoteInput,
  QuoteType,
  RecipientConnectionType,
  RecipientCreated,
  RecipientFormType,
  RecipientInvalid,
  RecipientType,
} from '../schema/types/money.js';
import { decodeCursor, encodeCursor, toQuote, toRecipient, toRecipientForm } from './money.mappers.js';
import { toFieldErrors } from './mappers.js';

@Resolver()
export class MoneyResolver {
  @Mutation(() => QuoteType, { description: 'A quote from Wise for the customer\'s linked profile: exactly one of sourceAmount or targetAmount.' })
  async createQuote(@Ctx() ctx: GatewayContext, @Arg('input', () => QuoteInput) input: QuoteInput): Promise<QuoteType> {
    await ctx.services.rollout.ensureOffered(ctx.viewer.customerId, { sourceCurrency: input.sourceCurrency, targetCurrency: input.targetCurrency });
    return toQuote(await ctx.services.quotes.create(ctx.em, ctx.viewer.customerId, input));
  }

  @Mutation(() => QuoteType, { description: 'A new quote on the terms of an earlier one (typically expired).' })
  async requote(@Ctx() ctx: GatewayContext, @Arg('quoteId', () => ID) quoteId: string): Promise<QuoteType> {
    await ctx.services.rollout.ensureQuoteOffered(ctx.viewer.customerId, parseUuid(quoteId));
    const quote = await ctx.services.quotes.requote(ctx.em, ctx.viewer.customerId, parseUuid(quoteId));
    if (!quote) throw gatewayError(ErrorCode.NOT_FOUND, 'No such quote for this customer');
    return toQuote(quote);
  }

  @Query(() => QuoteType, { nullable: true, description: "A quote from the gateway's copy (no call to Wise); null when it is not the customer's." })
  async quote(@Ctx() ctx: GatewayContext, @Arg('id', () => ID) id: string): Promise<QuoteType | null> {
    const quote = await ctx.services.quotes.get(ctx.em, ctx.viewer.customerId, parseUuid(id));
    return quote ? toQuote(quote) : null;
  }

  @Query(() => RecipientFormType, {
    description:
      'The recipient form for a quote (preferred) or a currency. Pass the values filled so far (and the chosen type) to get the refreshed form whenever a field with refreshOnChange changes; repeat until no new field appears.',
  })
  async recipientRequirements(
    @Ctx() ctx: GatewayContext,
    @Arg('quoteId', () => ID, { nullable: true }) quoteId?: string,
    @Arg('currency', () => String, { nullable: true }) currency?: string,
    @Arg('type', () => String, { nullable: true }) type?: string,
    @Arg('values', () => [FieldValueInput], { nullable: true }) values?: FieldValueInput[],
  ): Promise<RecipientFormType> {
    const target = quoteId ? { quoteId: parseUuid(quoteId) } : currency ? { currency } : undefined;
    if (!target) throw gatewayError(ErrorCode.BAD_USER_INPUT, 'Give quoteId or currency', { field: 'quoteId' });
    await ensureRecipientRouteOffered(ctx, target);
    return toRecipientForm(await ctx.services.recipients.form(ctx.em, ctx.viewer.customerId, target, type ?? null, values ?? []));
  }

  @Mutation(() => CreateRecipientResult, { description: 'Creates a recipient from a filled form; field errors come back keyed by the form\'s keys and nothing is stored.' })
  async createRecipient(@Ctx() ctx: GatewayContext, @Arg('input', () => CreateRecipientInput) input: CreateRecipientInput): Promise<typeof CreateRecipientResult> {
    const target = input.quoteId ? { quoteId: parseUuid(input.quoteId) } : input.currency ? { currency: input.currency } : undefined;
    if (!target) throw gatewayError(ErrorCode.BAD_USER_INPUT, 'Give quoteId or currency', { field: 'input.quoteId' });
    await ensureRecipientRouteOffered(ctx, target);
    const result = await ctx.services.recipients.create(ctx.em, ctx.viewer.customerId, { ...target, type: input.type, accountHolderName: input.accountHolderName, values: input.values, ownedByCustomer: input.ownedByCustomer });
    if (result.kind === 'created') return Object.assign(new RecipientCreated(), { recipient: toRecipient(result.recipient) });
    return Object.assign(new RecipientInvalid(), { fieldErrors: toFieldErrors(result.fieldErrors) });
  }

  @Query(() => RecipientConnectionType, { description: "The customer's active recipients, from the gateway's copy." })
  async recipients(
    @Ctx() ctx: GatewayContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('currency', () => String, { nullable: true }) currency?: string,
  ): Promise<RecipientConnectionType> {
    if (first < 1 || first > 100) throw gatewayError(ErrorCode.BAD_USER_INPUT, 'first must be between 1 and 100', { field: 'first' });
    const afterId = after ? decodeCursor(after, 'recipient') : null;
    const page = await ctx.services.recipients.list(ctx.em, ctx.viewer.customerId, { first, afterId, currency: currency ?? null });
    const edges = page.items.map((r) => ({ cursor: encodeCursor('recipient', r.id), node: toRecipient(r) }));
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  @Mutation(() => RecipientType, { description: 'Deactivates a recipient at Wise (it stays readable for past transfers).' })
  async deleteRecipient(@Ctx() ctx: GatewayContext, @Arg('id', () => ID) id: string): Promise<RecipientType> {
    if (!/^\d{1,15}$/.test(id)) throw gatewayError(ErrorCode.BAD_USER_INPUT, 'id must be a Wise recipient id', { field: 'id' });
    return toRecipient(await ctx.services.recipients.delete(ctx.em, ctx.viewer.customerId, Number(id)));
  }
}

function parseUuid(value: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) throw gatewayError(ErrorCode.BAD_USER_INPUT, 'Not a quote id', { field: 'quoteId' });
  return value.toLowerCase();
}

/** A recipient for a quote is on the quote's route; one in a currency, on any route to it. */
function ensureRecipientRouteOffered(ctx: GatewayContext, target: { quoteId: string } | { currency: string }): Promise<void> {
  const { rollout } = ctx.services;
  return 'quoteId' in target ? rollout.ensureQuoteOffered(ctx.viewer.customerId, target.quoteId) : rollout.ensureOffered(ctx.viewer.customerId, { targetCurrency: target.currency });
}
