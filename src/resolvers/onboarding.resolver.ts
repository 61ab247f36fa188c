import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { ErrorCode, gatewayError, userError, UserErrorCode } from '../schema/errors.js';
import {
  AlreadyLinked,
  AuthorizationRequired,
  CheckWiseAccountInput,
  CheckWiseAccountResult,
  CompleteLinkInput,
  CompleteLinkResult,
  CreateWiseAccountResult,
  LinkAccountResult,
  LinkCompleted,
  LinkRejected,
  LinkRequired,
  UnlinkAccountResult,
  WiseAccountCreated,
} from '../schema/linking.js';
import { OnboardingStatus, WiseAvailability } from '../schema/onboarding.js';
import {
  CreateBusinessProfileInput,
  CreateBusinessProfileResult,
  CreatePersonalProfileInput,
  CreatePersonalProfileResult,
  NotLinked,
  ProfileCreated,
  ProfileRejected,
  WiseProfile,
} from '../schema/profiles.js';
import { oncePerEvent } from '../services/event-memo.js';
import type { DomainEvent } from '../services/events.js';
import type { ProfileCreation } from '../services/onboarding.js';
import { ISO3 } from '../wise/countries.js';
import type { GatewayContext } from './context.js';
import { toFieldErrors } from './errors.js';
import { toAvailability, toOnboardingStatus, toProfile } from './onboarding.mappers.js';
import { viewerEvents } from './subscriptions.js';
import { requireCustomer } from './viewer.resolver.js';

type OnboardingEvent = Extract<DomainEvent, { type: 'onboarding.changed' }>;

async function currentStatus(ctx: GatewayContext, fresh = false): Promise<OnboardingStatus> {
  return toOnboardingStatus(ctx.viewer.customerId, await ctx.services.onboarding.status(ctx.em, ctx.viewer.customerId, fresh));
}

@Resolver(() => OnboardingStatus)
export class OnboardingResolver {
  @Query(() => OnboardingStatus, { description: 'Where the customer stands with Wise and what to do next. `refresh` asks Wise now instead of the cache.' })
  async onboardingStatus(@Ctx() ctx: GatewayContext, @Arg('refresh', () => Boolean, { defaultValue: false }) refresh: boolean): Promise<OnboardingStatus> {
    return currentStatus(ctx, refresh);
  }

  @FieldResolver(() => WiseAvailability)
  async availability(@Ctx() ctx: GatewayContext): Promise<WiseAvailability> {
    return toAvailability(await ctx.services.rollout.availability(ctx.viewer.customerId));
  }

  @Query(() => WiseAvailability, { description: 'Whether the bank offers Wise to this customer yet, and the currency routes they may use.' })
  async wiseAvailability(@Ctx() ctx: GatewayContext): Promise<WiseAvailability> {
    return toAvailability(await ctx.services.rollout.availability(ctx.viewer.customerId));
  }

  @Query(() => [WiseProfile], { description: "The customer's Wise profiles, from the gateway's copy." })
  async profiles(@Ctx() ctx: GatewayContext): Promise<WiseProfile[]> {
    return (await ctx.services.profiles.list(ctx.em, ctx.viewer.customerId)).map(toProfile);
  }

  @Mutation(() => CheckWiseAccountResult, { description: "Whether the customer's own email at the bank already has a Wise account. Answers for no other address." })
  async checkWiseAccount(@Ctx() ctx: GatewayContext, @Arg('input', () => CheckWiseAccountInput, { nullable: true }) input?: CheckWiseAccountInput | null): Promise<CheckWiseAccountResult> {
    const customer = await requireCustomer(ctx);
    const email = input?.email;
    if (email !== undefined && email !== null && email.trim().toLowerCase() !== customer.email.toLowerCase()) {
      throw gatewayError(ErrorCode.FORBIDDEN, "checkWiseAccount answers only for the customer's own email at the bank", { field: 'input.email' });
    }
    return { email: customer.email, exists: await ctx.services.onboarding.checkWiseAccount(customer) };
  }

  @Mutation(() => CreateWiseAccountResult, { description: "Partner KYC: opens a Wise account with the bank's customer data. An email Wise already knows returns LinkRequired." })
  async createWiseAccount(@Ctx() ctx: GatewayContext): Promise<typeof CreateWiseAccountResult> {
    await ctx.services.rollout.ensureOffered(ctx.viewer.customerId);
    const customer = await requireCustomer(ctx);
    const result = await ctx.services.onboarding.createWiseAccount(ctx.em, customer);
    switch (result.kind) {
      case 'created':
        return Object.assign(new WiseAccountCreated(), { onboardingStatus: toOnboardingStatus(customer.id, result.status), profile: result.profile ? toProfile(result.profile) : null });
      case 'link_required':
        return userError(
          LinkRequired,
          { reason: result.reason as LinkRequired['reason'], authorizationUrl: result.authorizationUrl, expiresAt: result.expiresAt, message: 'The customer must authorize at Wise to continue.', onboardingStatus: await currentStatus(ctx) },
          UserErrorCode.LINK_REQUIRED,
        );
      case 'already_linked':
        return Object.assign(new AlreadyLinked(), { onboardingStatus: toOnboardingStatus(customer.id, result.status) });
      case 'profile_rejected':
        return userError(ProfileRejected, { message: 'Wise refused the profile built from the bank\'s data.', onboardingStatus: toOnboardingStatus(customer.id, result.status), fieldErrors: toFieldErrors(result.fieldErrors) }, UserErrorCode.PROFILE_REJECTED);
    }
  }

  @Mutation(() => LinkAccountResult, { description: 'Wise KYC: the authorization URL to send the customer to, with a fresh state bound to them (10 minutes, single use).' })
  async linkAccount(@Ctx() ctx: GatewayContext): Promise<typeof LinkAccountResult> {
    await ctx.services.rollout.ensureOffered(ctx.viewer.customerId);
    const customer = await requireCustomer(ctx);
    const result = await ctx.services.onboarding.linkAccount(ctx.em, customer);
    if (result.kind === 'already_linked') return Object.assign(new AlreadyLinked(), { onboardingStatus: toOnboardingStatus(customer.id, result.status) });
    return Object.assign(new AuthorizationRequired(), { authorizationUrl: result.authorizationUrl, expiresAt: result.expiresAt, claimsPrefilledAccount: result.claimsPrefilledAccount });
  }

  @Mutation(() => CompleteLinkResult, { description: "Finishes a link with what Wise's redirect carried (for frontends that receive the redirect themselves; GET /oauth/callback does the same)." })
  async completeLink(@Ctx() ctx: GatewayContext, @Arg('input', () => CompleteLinkInput) input: CompleteLinkInput): Promise<typeof CompleteLinkResult> {
    const { profileId } = input;
    if (profileId !== undefined && profileId !== null && !/^\d{1,15}$/.test(profileId)) throw gatewayError(ErrorCode.BAD_USER_INPUT, 'profileId must be the Wise profile id from the redirect', { field: 'input.profileId' });
    const result = await ctx.services.onboarding.completeLink(
      ctx.em,
      { customerId: ctx.viewer.customerId, state: input.state, code: input.code ?? undefined, profileId: profileId ? Number(profileId) : null, error: input.error ?? undefined, errorDescription: input.errorDescription ?? undefined },
      (id) => ctx.loaders.customerById.load(id),
    );
    if (result.kind === 'completed') return Object.assign(new LinkCompleted(), { onboardingStatus: toOnboardingStatus(ctx.viewer.customerId, result.status) });
    return userError(LinkRejected, { reason: result.reason as LinkRejected['reason'], message: result.message, onboardingStatus: await currentStatus(ctx) }, UserErrorCode.LINK_REJECTED);
  }

  @Mutation(() => CreatePersonalProfileResult, { description: "Creates the customer's personal profile at Wise from the bank's data (with optional additions)." })
  async createPersonalProfile(@Ctx() ctx: GatewayContext, @Arg('input', () => CreatePersonalProfileInput, { nullable: true }) input?: CreatePersonalProfileInput | null): Promise<typeof CreatePersonalProfileResult> {
    await ctx.services.rollout.ensureOffered(ctx.viewer.customerId);
    const customer = await requireCustomer(ctx);
    const outcome = await ctx.services.onboarding.createPersonalProfile(ctx.em, customer, {
      ...(input?.preferredName ? { preferredName: input.preferredName } : {}),
      ...(input?.nationality ? { nationality: input.nationality } : {}),
      ...(input?.occupation ? { occupations: [{ code: input.occupation, format: 'FREE_FORM' as const }] } : {}),
    });
    return profileResult(ctx, outcome);
  }

  @Mutation(() => CreateBusinessProfileResult, { description: 'Creates a business profile at Wise (the personal profile must exist). The idempotency key makes a retry safe.' })
  async createBusinessProfile(@Ctx() ctx: GatewayContext, @Arg('input', () => CreateBusinessProfileInput) input: CreateBusinessProfileInput): Promise<typeof CreateBusinessProfileResult> {
    await ctx.services.rollout.ensureOffered(ctx.viewer.customerId);
    const customer = await requireCustomer(ctx);
    const country = ISO3[input.address.country];
    if (!country) throw gatewayError(ErrorCode.BAD_USER_INPUT, `Unsupported country ${input.address.country}`, { field: 'input.address.country' });
    const { address, idempotencyKey, ...rest } = input;
    const outcome = await ctx.services.onboarding.createBusinessProfile(
      ctx.em,
      customer,
      {
        ...rest,
        address: {
          addressFirstLine: address.firstLine,
          city: address.city,
          // Wise's OpenAPI wants a string or no field at all, never null.
          ...(address.postCode ? { postCode: address.postCode } : {}),
          ...(address.stateCode ? { stateCode: address.stateCode } : {}),
          countryIso3Code: country,
        },
        externalCustomerId: customer.id,
      },
      idempotencyKey,
    );
    return profileResult(ctx, outcome);
  }

  @Subscription(() => OnboardingStatus, {
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
  ): Promise<OnboardingStatus> {
    // The status committed with the event (older events without one are read back).
    const status = event.status
      ? toOnboardingStatus(event.customerId, event.status)
      : await oncePerEvent(event, 'onboarding', async () => toOnboardingStatus(event.customerId, await ctx.services.onboarding.status(ctx.em.fork(), event.customerId)));
    return { ...status, sequence: String(event.sequence) };
  }

  @Mutation(() => UnlinkAccountResult, { description: "Disconnects the customer's Wise account: credentials and cached profiles are forgotten." })
  async unlinkAccount(@Ctx() ctx: GatewayContext): Promise<UnlinkAccountResult> {
    const unlinked = await ctx.services.onboarding.unlink(ctx.em, ctx.viewer.customerId);
    return { unlinked, onboardingStatus: await currentStatus(ctx) };
  }
}

async function profileResult(ctx: GatewayContext, outcome: ProfileCreation): Promise<ProfileCreated | ProfileRejected | NotLinked> {
  const onboardingStatus = await currentStatus(ctx);
  if (outcome.kind === 'created') return Object.assign(new ProfileCreated(), { profile: toProfile(outcome.profile), onboardingStatus });
  if (outcome.kind === 'not_linked') return userError(NotLinked, { message: onboardingStatus.message, onboardingStatus }, UserErrorCode.NOT_LINKED);
  return userError(ProfileRejected, { message: "Wise refused the profile built from the bank's data.", onboardingStatus, fieldErrors: toFieldErrors(outcome.fieldErrors) }, UserErrorCode.PROFILE_REJECTED);
}
