import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../http/context.js';
import { PaymentOptionType, QuoteNoticeType, QuoteType } from '../schema/types/money.js';
import type { WiseQuote } from '../wise/api.js';
import { quoteExtras } from './money.mappers.js';

/**
 * A quote's payment options and notices live in Wise's JSON; lean reads (transfer pages) leave
 * them out, and they are loaded — batched — only when a query asks for them.
 */
@Resolver(() => QuoteType)
export class QuoteFieldsResolver {
  @FieldResolver(() => [PaymentOptionType])
  async paymentOptions(@Root() quote: QuoteType, @Ctx() ctx: GatewayContext): Promise<PaymentOptionType[]> {
    return quote.paymentOptions ?? (await this.extras(quote, ctx)).paymentOptions!;
  }

  @FieldResolver(() => [QuoteNoticeType])
  async notices(@Root() quote: QuoteType, @Ctx() ctx: GatewayContext): Promise<QuoteNoticeType[]> {
    return quote.notices ?? (await this.extras(quote, ctx)).notices!;
  }

  private async extras(quote: QuoteType, ctx: GatewayContext) {
    const data = (await ctx.loaders.quoteData.load(quote.id)) as WiseQuote | null;
    return data ? quoteExtras(data, quote.sourceAmount.currency, quote.targetAmount.currency) : { paymentOptions: [], notices: [] };
  }
}
