import { Arg, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { GatewayContext } from '../http/context.js';
import { oncePerEvent } from '../services/event-memo.js';
import type { DomainEvent } from '../services/events.js';
import { ErrorCode, gatewayError } from '../schema/errors.js';
import { OnboardingStatusType } from '../schema/types/onboarding.js';
import { VerificationType } from '../schema/types/verification.js';
import { toOnboardingStatus, toVerification, viewerEvents } from './mappers.js';

type VerificationEvent = Extract<DomainEvent, { type: 'verification.changed' }>;
type OnboardingEvent = Extract<DomainEvent, { type: 'onboarding.changed' }>;

@Resolver()
export class VerificationResolver {
  @Query(() => VerificationType, { description: "The profile's verification, from the cache; refreshed from Wise when stale or when asked (`refresh`)." })
  async verification(
    @Ctx() ctx: GatewayContext,
    @Arg('profileId', () => ID) profileId: string,
    @Arg('refresh', () => Boolean, { defaultValue: false }) refresh: boolean,
  ): Promise<VerificationType> {
    const view = await ctx.services.verification.forCustomer(ctx.em, ctx.viewer.customerId, parseProfileId(profileId), refresh);
    if (!view) throw gatewayError(ErrorCode.NOT_FOUND, 'No such profile for this customer', { profileId });
    return { profileId, canTransfer: view.canTransfer, routes: toVerification(view.routes) ?? [], syncedAt: view.syncedAt };
  }

  @Subscription(() => VerificationType, {
    description: "Each change of a profile's verification (Wise's profiles#verification-state-change), for the subscriber's own profiles only.",
    subscribe: ({ context, args }) => {
      const ctx = context as GatewayContext;
      const only = args.profileId ? parseProfileId(String(args.profileId)) : undefined;
      const accept = (e: DomainEvent): e is VerificationEvent => e.type === 'verification.changed' && (only === undefined || e.profileId === only);
      return viewerEvents(ctx, args.after, accept);
    },
  })
  async verificationChanged(
    @Root() event: VerificationEvent,
    @Ctx() ctx: GatewayContext,
    @Arg('profileId', () => ID, { nullable: true, description: 'Only this profile.' }) _profileId?: string,
    @Arg('after', () => String, { nullable: true, description: 'The last sequence received: resume after it.' }) _after?: string,
  ): Promise<VerificationType> {
    // The verification as committed with the event, not as it is by the time of the push: two
    // quick changes push two states, each once, in order. (Events logged before snapshots were
    // carried are read back, once per event, shared by every subscriber it reaches.)
    const snapshot = event.verification;
    if (snapshot) {
      return { profileId: String(event.profileId), canTransfer: snapshot.canTransfer, routes: toVerification(snapshot.routes) ?? [], syncedAt: snapshot.syncedAt ? new Date(snapshot.syncedAt) : null, sequence: String(event.sequence) };
    }
    return oncePerEvent(event, 'verification', async () => {
      const view = await ctx.services.verification.forCustomer(ctx.em.fork(), event.customerId, event.profileId, false);
      return { profileId: String(event.profileId), canTransfer: view?.canTransfer ?? false, routes: toVerification(view?.routes ?? []) ?? [], syncedAt: view?.syncedAt ?? null, sequence: String(event.sequence) };
    });
  }

  @Subscription(() => OnboardingStatusType, {
    description: "Each change of the customer's onboarding status (linked, verified, re-link required…).",
    subscribe: ({ context, args }) => {
      const ctx = context as GatewayContext;
      const accept = (e: DomainEvent): e is OnboardingEvent => e.type === 'onboarding.changed';
      return viewerEvents(ctx, args.after, accept);
    },
  })
  async onboardingStatusChanged(
    @Root() event: OnboardingEvent,
    @Ctx() ctx: GatewayContext,
    @Arg('after', () => String, { nullable: true, description: 'The last sequence received: resume after it.' }) _after?: string,
  ): Promise<OnboardingStatusType> {
    // The status committed with the event (older events without one are read back).
    const status = event.status
      ? toOnboardingStatus(event.status)
      : await oncePerEvent(event, 'onboarding', async () => toOnboardingStatus(await ctx.services.onboarding.status(ctx.em.fork(), event.customerId)));
    return { ...status, sequence: String(event.sequence) };
  }
}

function parseProfileId(value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw gatewayError(ErrorCode.BAD_USER_INPUT, 'profileId must be a Wise profile id', { field: 'profileId' });
  return Number(value);
}
