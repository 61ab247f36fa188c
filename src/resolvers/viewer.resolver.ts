import { Ctx, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../http/context.js';
import { CustomerType } from '../schema/types/Customer.js';
import { ErrorCode, gatewayError } from '../schema/errors.js';

@Resolver()
export class ViewerResolver {
  @Query(() => CustomerType, { description: 'The authenticated bank customer.' })
  async viewer(@Ctx() ctx: GatewayContext): Promise<CustomerType> {
    const customer = await ctx.loaders.customerById.load(ctx.viewer.customerId);
    if (!customer) {
      // A valid bank token for a customer the directory does not know: the bank's systems
      // disagree with each other, which the frontend cannot fix.
      throw gatewayError(ErrorCode.FORBIDDEN, 'The bank does not know this customer', {
        customerId: ctx.viewer.customerId,
      });
    }
    return customer;
  }
}
