import { Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../http/context.js';
import type { Availability } from '../services/rollout.js';
import { OnboardingStatusType } from '../schema/types/onboarding.js';
import { NotOfferedReasonEnum, WiseAvailabilityType } from '../schema/types/rollout.js';

function toAvailability(availability: Availability): WiseAvailabilityType {
  return availability.offered
    ? { offered: true, reason: null, routes: availability.routes }
    : { offered: false, reason: NotOfferedReasonEnum[availability.reason], routes: [] };
}

/** What the bank's rollout offers the customer: on its own, and inside onboardingStatus. */
@Resolver(() => OnboardingStatusType)
export class RolloutResolver {
  @Query(() => WiseAvailabilityType, { description: 'Whether the bank offers Wise to this customer yet, and the currency routes they may use.' })
  async wiseAvailability(@Ctx() ctx: GatewayContext): Promise<WiseAvailabilityType> {
    return toAvailability(await ctx.services.rollout.availability(ctx.viewer.customerId));
  }

  @FieldResolver(() => WiseAvailabilityType, { description: "Whether Wise is offered to the customer yet (the bank's rollout), and on which routes." })
  async availability(@Ctx() ctx: GatewayContext): Promise<WiseAvailabilityType> {
    return toAvailability(await ctx.services.rollout.availability(ctx.viewer.customerId));
  }
}
