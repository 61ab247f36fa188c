import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../http/context.js';
import { ISO3 } from '../wise/countries.js';
import { ErrorCode, gatewayError } from '../schema/errors.js';
import {
  AlreadyLinked,
  AuthorizationRequired,
  BusinessProfileInput,
  CompleteLinkResult,
  CreateProfileResult,
  CreateWiseAccountResult,
  LinkAccountResult,
  LinkCompleted,
  LinkRejected,
  LinkRequired,
  NotLinked,
  OnboardingStatusType,
  PersonalProfileInput,
  ProfileCreated,
  ProfileRejected,
  UnlinkAccountPayload,
  WiseAccountCheckType,
  WiseAccountCreated,
  WiseProfileType,
} from '../schema/types/onboarding.js';
import type { ProfileCreation } from '../services/onboarding.js';
import { toFieldErrors, toOnboardingStatus, toProfile, requireCustomer } from './mappers.js';

@Resolver()
export class OnboardingResolver {
  @Query(() => OnboardingStatusType, { description: 'Where the customer stands with Wise and what to do next. `refresh` asks Wise now instead of the cache.' })
  async onboardingStatus(@Ctx() ctx: GatewayContext, @Arg('refresh', () => Boolean, { defaultValue: false }) refresh: boolean): Promise<OnboardingStatusType> {
    return toOnboardingStatus(await ctx.services.onboarding.status(ctx.em, ctx.viewer.customerId, refresh));
  }

  @Query(() => [WiseProfileType], { description: "The customer's Wise profiles, from the gateway's copy." })
  async profiles(@Ctx() ctx: GatewayContext): Promise<WiseProfileType[]> {
    return (await ctx.services.profiles.list(ctx.em, ctx.viewer.customerId)).map(toProfile);
  }

  @Mutation(() => WiseAccountCheckType, { description: "Whether the customer's own email at the bank already has a Wise account. Answers for no other address." })
  async checkWiseAccount(
    @Ctx() ctx: GatewayContext,
    @Arg('email', () => String, { nullable: true, description: "The customer's own email at the bank (the default); any other is refused." }) email?: string,
  ): Promise<WiseAccountCheckType> {
    const customer = await requireCustomer(ctx);
    if (email !== undefined && email !== null && email.trim().toLowerCase() !== customer.email.toLowerCase()) {
      throw gatewayError(ErrorCode.FORBIDDEN, "checkWiseAccount answers only for the customer's own email at the bank", { field: 'email' });
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
        return Object.assign(new WiseAccountCreated(), { onboardingStatus: toOnboardingStatus(result.status), profile: result.profile ? toProfile(result.profile) : null });
      case 'link_required':
        return Object.assign(new LinkRequired(), { reason: result.reason, authorizationUrl: result.authorizationUrl, expiresAt: result.expiresAt });
      case 'already_linked':
        return Object.assign(new AlreadyLinked(), { onboardingStatus: toOnboardingStatus(result.status) });
      case 'profile_rejected':
        return Object.assign(new ProfileRejected(), { onboardingStatus: toOnboardingStatus(result.status), fieldErrors: toFieldErrors(result.fieldErrors) });
    }
  }

  @Mutation(() => LinkAccountResult, { description: "Wise KYC: the authorization URL to send the customer to, with a fresh state bound to them (10 minutes, single use)." })
  async linkAccount(@Ctx() ctx: GatewayContext): Promise<typeof LinkAccountResult> {
    await ctx.services.rollout.ensureOffered(ctx.viewer.customerId);
    const customer = await requireCustomer(ctx);
    const result = await ctx.services.onboarding.linkAccount(ctx.em, customer);
    if (result.kind === 'already_linked') return Object.assign(new AlreadyLinked(), { onboardingStatus: toOnboardingStatus(result.status) });
    return Object.assign(new AuthorizationRequired(), result);
  }

  @Mutation(() => CompleteLinkResult, { description: "Finishes a link with what Wise's redirect carried (for frontends that receive the redirect themselves; GET /oauth/callback does the same)." })
  async completeLink(
    @Ctx() ctx: GatewayContext,
    @Arg('state', () => String) state: string,
    @Arg('code', () => String, { nullable: true }) code?: string,
    @Arg('profileId', () => ID, { nullable: true }) profileId?: string,
    @Arg('error', () => String, { nullable: true, description: "Wise's `error` when the customer declined." }) error?: string,
    @Arg('errorDescription', () => String, { nullable: true }) errorDescription?: string,
  ): Promise<typeof CompleteLinkResult> {
    if (profileId !== undefined && profileId !== null && !/^\d+$/.test(profileId)) throw gatewayError(ErrorCode.BAD_USER_INPUT, 'profileId must be a Wise profile id', { field: 'profileId' });
    const result = await ctx.services.onboarding.completeLink(
      ctx.em,
      { customerId: ctx.viewer.customerId, state, code, profileId: profileId ? Number(profileId) : null, error, errorDescription },
      (id) => ctx.loaders.customerById.load(id),
    );
    if (result.kind === 'completed') return Object.assign(new LinkCompleted(), { onboardingStatus: toOnboardingStatus(result.status) });
    return Object.assign(new LinkRejected(), { reason: result.reason, message: result.message });
  }

  @Mutation(() => CreateProfileResult, { description: "Creates the customer's personal profile at Wise from the bank's data (with optional additions)." })
  async createPersonalProfile(@Ctx() ctx: GatewayContext, @Arg('input', () => PersonalProfileInput, { nullable: true }) input?: PersonalProfileInput): Promise<typeof CreateProfileResult> {
    await ctx.services.rollout.ensureOffered(ctx.viewer.customerId);
    const customer = await requireCustomer(ctx);
    const outcome = await ctx.services.onboarding.createPersonalProfile(ctx.em, customer, {
      ...(input?.preferredName ? { preferredName: input.preferredName } : {}),
      ...(input?.nationality ? { nationality: input.nationality } : {}),
      ...(input?.occupation ? { occupations: [{ code: input.occupation, format: 'FREE_FORM' as const }] } : {}),
    });
    return this.profileResult(ctx, outcome);
  }

  @Mutation(() => CreateProfileResult, { description: 'Creates a business profile at Wise (the personal profile must exist). The idempotency key makes a retry safe.' })
  async createBusinessProfile(
    @Ctx() ctx: GatewayContext,
    @Arg('input', () => BusinessProfileInput) input: BusinessProfileInput,
    @Arg('idempotencyKey', () => String) idempotencyKey: string,
  ): Promise<typeof CreateProfileResult> {
    await ctx.services.rollout.ensureOffered(ctx.viewer.customerId);
    const customer = await requireCustomer(ctx);
    const country = ISO3[input.address.country];
    if (!country) throw gatewayError(ErrorCode.BAD_USER_INPUT, `Unsupported country ${input.address.country}`, { field: 'input.address.country' });
    const { address, ...rest } = input;
    const outcome = await ctx.services.onboarding.createBusinessProfile(
      ctx.em,
      customer,
      { ...rest, address: {
          addressFirstLine: address.firstLine,
          city: address.city,
          // Wise's OpenAPI wants a string or no field at all, never null.
          ...(address.postCode ? { postCode: address.postCode } : {}),
          ...(address.stateCode ? { stateCode: address.stateCode } : {}),
          countryIso3Code: country,
        }, externalCustomerId: customer.id },
      idempotencyKey,
    );
    return this.profileResult(ctx, outcome);
  }

  @Mutation(() => UnlinkAccountPayload, { description: "Disconnects the customer's Wise account: credentials and cached profiles are forgotten." })
  async unlinkAccount(@Ctx() ctx: GatewayContext): Promise<UnlinkAccountPayload> {
    const unlinked = await ctx.services.onboarding.unlink(ctx.em, ctx.viewer.customerId);
    return { unlinked, onboardingStatus: toOnboardingStatus(await ctx.services.onboarding.status(ctx.em, ctx.viewer.customerId)) };
  }

  private async profileResult(ctx: GatewayContext, outcome: ProfileCreation): Promise<typeof CreateProfileResult> {
    const status = async () => toOnboardingStatus(await ctx.services.onboarding.status(ctx.em, ctx.viewer.customerId));
    if (outcome.kind === 'created') return Object.assign(new ProfileCreated(), { profile: toProfile(outcome.profile) });
    if (outcome.kind === 'not_linked') return Object.assign(new NotLinked(), { onboardingStatus: await status() });
    return Object.assign(new ProfileRejected(), { onboardingStatus: await status(), fieldErrors: toFieldErrors(outcome.fieldErrors) });
  }
}
