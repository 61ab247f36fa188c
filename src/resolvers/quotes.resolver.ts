import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { notFound, userError, UserErrorCode } from '../schema/errors.js';
import { CreateQuoteInput, CreateQuoteResult, PaymentOption, Quote, QuoteCreated, QuoteInvalid, QuoteNotice, RequoteInput, RequoteResult } from '../schema/quotes.js';
import { isGatewayError } from '../domain/errors.js';
import type { WiseQuote } from '../wise/objects.js';
import type { GatewayContext } from './context.js';
import { localId, localIdOrNull } from './ids.js';
import { quoteExtras, toQuote } from './quotes.mappers.js';

@Resolver(() => Quote)
export class QuotesResolver {
  @Mutation(() => CreateQuoteResult, { description: "A quote from Wise for the customer's linked profile: exactly one of sourceAmount or targetAmount." })
  async createQuote(@Ctx() ctx: GatewayContext, @Arg('input', () => CreateQuoteInput) input: CreateQuoteInput): Promise<typeof CreateQuoteResult> {
    await ctx.services.rollout.ensureOffered(ctx.viewer.customerId, { sourceCurrency: input.sourceCurrency, targetCurrency: input.targetCurrency });
    try {
      return Object.assign(new QuoteCreated(), { quote: toQuote(await ctx.services.quotes.create(ctx.em, ctx.viewer.customerId, input)) });
    } catch (error) {
      if (!isGatewayError(error, 'INVALID_INPUT')) throw error;
      const field = `input.${error.details.field}`;
      return userError(QuoteInvalid, { message: error.message, field, fieldErrors: [{ path: field, code: 'INVALID', message: error.message }] }, UserErrorCode.INVALID_INPUT);
    }
  }

  @Mutation(() => RequoteResult, { description: 'A new quote on the terms of an earlier one (typically expired).' })
  async requote(@Ctx() ctx: GatewayContext, @Arg('input', () => RequoteInput) input: RequoteInput): Promise<RequoteResult> {
    const quoteId = localId('Quote', input.quoteId, 'input.quoteId');
    // Not the customer's is not found, before anything else is said about it.
    if (!(await ctx.services.quotes.get(ctx.em, ctx.viewer.customerId, quoteId))) throw notFound('input.quoteId');
    await ctx.services.rollout.ensureQuoteOffered(ctx.viewer.customerId, quoteId);
    const quote = await ctx.services.quotes.requote(ctx.em, ctx.viewer.customerId, quoteId);
    if (!quote) throw notFound('input.quoteId');
    return { quote: toQuote(quote) };
  }

  @Query(() => Quote, { nullable: true, description: "A quote from the gateway's copy (no call to Wise); null when it is not the customer's." })
  async quote(@Ctx() ctx: GatewayContext, @Arg('id', () => ID) id: string): Promise<Quote | null> {
    const local = localIdOrNull('Quote', id);
    const quote = local === null ? null : await ctx.services.quotes.get(ctx.em, ctx.viewer.customerId, local);
    return quote ? toQuote(quote) : null;
  }

  // A quote's payment options and notices live in Wise's JSON; lean reads (transfer pages) leave
  // them out, and they are loaded — batched — only when a query asks for them.
  @FieldResolver(() => [PaymentOption])
  async paymentOptions(@Root() quote: Quote, @Ctx() ctx: GatewayContext): Promise<PaymentOption[]> {
    return quote.paymentOptions ?? (await extras(quote, ctx)).paymentOptions!;
  }

  @FieldResolver(() => [QuoteNotice])
  async notices(@Root() quote: Quote, @Ctx() ctx: GatewayContext): Promise<QuoteNotice[]> {
    return quote.notices ?? (await extras(quote, ctx)).notices!;
  }
}

async function extras(quote: Quote, ctx: GatewayContext) {
  const data = (await ctx.loaders.quoteData.load(quote.wiseQuoteId)) as WiseQuote | null;
  return data ? quoteExtras(data, quote.sourceAmount.currency, quote.targetAmount.currency) : { paymentOptions: [], notices: [] };
}
