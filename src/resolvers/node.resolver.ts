import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Node } from '../schema/relay.js';
import type { GatewayContext } from './context.js';
import { localIdOrNull } from './ids.js';
import { toOnboardingStatus, toProfile } from './onboarding.mappers.js';
import { toQuote } from './quotes.mappers.js';
import { ownTransfer } from './transfers.resolver.js';
import { toRecipient } from './recipients.mappers.js';
import { toVerification } from './verification.mappers.js';
import { bankAccounts, requireCustomer } from './viewer.resolver.js';
import { toCustomer } from './viewer.mappers.js';
import { fromGlobalId } from '../schema/ids.js';

/**
 * Relay's refetch entry point. Every id is checked against the viewer: another customer's object
 * is null, exactly like one that does not exist.
 */
@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: "Any object by its global id; null when it does not exist or is not the customer's." })
  async node(@Ctx() ctx: GatewayContext, @Arg('id', () => ID) id: string): Promise<Node | null> {
    const type = fromGlobalId(id)?.type;
    if (!type) return null;
    const local = localIdOrNull(type, id);
    if (local === null) return null;
    const customerId = ctx.viewer.customerId;
    switch (type) {
      case 'Customer':
        return local === customerId ? toCustomer(await requireCustomer(ctx)) : null;
      case 'BankAccount':
        return local.startsWith(`${customerId}:`) ? ((await bankAccounts(ctx)).find((a) => a.id === id) ?? null) : null;
      case 'OnboardingStatus':
        return local === customerId ? toOnboardingStatus(customerId, await ctx.services.onboarding.status(ctx.em, customerId)) : null;
      case 'WiseProfile': {
        const profile = (await ctx.services.profiles.list(ctx.em, customerId)).find((p) => String(p.id) === local);
        return profile ? toProfile(profile) : null;
      }
      case 'Verification': {
        const view = await ctx.services.verification.forCustomer(ctx.em, customerId, Number(local), false);
        return view ? toVerification(Number(local), view) : null;
      }
      case 'Quote': {
        const quote = await ctx.services.quotes.get(ctx.em, customerId, local);
        return quote ? toQuote(quote) : null;
      }
      case 'Recipient': {
        const recipient = await ctx.services.recipients.own(ctx.em, customerId, Number(local));
        return recipient ? toRecipient(recipient) : null;
      }
      case 'Transfer':
        return ownTransfer(ctx, id);
    }
  }
}
