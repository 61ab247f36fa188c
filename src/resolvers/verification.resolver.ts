import { Arg, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Verification } from '../schema/verification.js';
import { oncePerEvent } from '../services/event-memo.js';
import type { DomainEvent } from '../services/events.js';
import type { GatewayContext } from './context.js';
import { localIdOrNull, wiseId } from './ids.js';
import { viewerEvents } from './subscriptions.js';
import { toVerification } from './verification.mappers.js';

type VerificationEvent = Extract<DomainEvent, { type: 'verification.changed' }>;

@Resolver(() => Verification)
export class VerificationResolver {
  @Query(() => Verification, { nullable: true, description: "A profile's verification (give the WiseProfile id), from the cache; refreshed from Wise when stale or when asked (`refresh`). Null when the profile is not the customer's." })
  async verification(
    @Ctx() ctx: GatewayContext,
    @Arg('profileId', () => ID) profileId: string,
    @Arg('refresh', () => Boolean, { defaultValue: false }) refresh: boolean,
  ): Promise<Verification | null> {
    const local = localIdOrNull('WiseProfile', profileId);
    if (local === null) return null;
    const view = await ctx.services.verification.forCustomer(ctx.em, ctx.viewer.customerId, Number(local), refresh);
    return view ? toVerification(Number(local), view) : null;
  }

  @Subscription(() => Verification, {
    description: "Each change of a profile's verification (Wise's profiles#verification-state-change), for the subscriber's own profiles only.",
    subscribe: ({ context, args }) => {
      const ctx = context as GatewayContext;
      const only = args.profileId ? wiseId('WiseProfile', String(args.profileId), 'profileId') : undefined;
      const accept = (e: DomainEvent): e is VerificationEvent => e.type === 'verification.changed' && (only === undefined || e.profileId === only);
      return viewerEvents(ctx, args.after, accept);
    },
  })
  async verificationChanged(
    @Root() event: VerificationEvent,
    @Ctx() ctx: GatewayContext,
    @Arg('profileId', () => ID, { nullable: true, description: 'Only this WiseProfile.' }) _profileId?: string,
    @Arg('after', () => String, { nullable: true, description: 'The last sequence received: resume after it.' }) _after?: string,
  ): Promise<Verification> {
    // The verification as committed with the event, not as it is by the time of the push: two
    // quick changes push two states, each once, in order. (Events logged before snapshots were
    // carried are read back, once per event, shared by every subscriber it reaches.)
    const snapshot = event.verification;
    if (snapshot) {
      return toVerification(event.profileId, { canTransfer: snapshot.canTransfer, routes: snapshot.routes, syncedAt: snapshot.syncedAt ? new Date(snapshot.syncedAt) : null }, String(event.sequence));
    }
    return oncePerEvent(event, 'verification', async () => {
      const view = await ctx.services.verification.forCustomer(ctx.em.fork(), event.customerId, event.profileId, false);
      return toVerification(event.profileId, view, String(event.sequence));
    });
  }
}
