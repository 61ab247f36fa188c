/** Service results → GraphQL types, shared by the resolvers. */
import type { WiseProfile, VerificationRoute } from '../entities/WiseProfile.js';
import type { GatewayContext } from '../http/context.js';
import type { Customer } from '../services/customers.js';
import { customerEventStream } from '../services/event-stream.js';
import { resumePointPruned, type DomainEvent } from '../services/events.js';
import type { OnboardingStatus } from '../services/onboarding.js';
import { ErrorCode, gatewayError } from '../schema/errors.js';
import type { FieldErrorType, OnboardingStatusType, VerificationRouteType, WiseProfileType } from '../schema/types/onboarding.js';
import type { WiseFieldError } from '../wise/errors.js';
import { ISO2_BY_ISO3 } from '../wise/countries.js';

export async function requireCustomer(ctx: GatewayContext): Promise<Customer> {
  const customer = await ctx.loaders.customerById.load(ctx.viewer.customerId);
  if (!customer) throw gatewayError(ErrorCode.FORBIDDEN, 'The bank does not know this customer', { customerId: ctx.viewer.customerId });
  return customer;
}

export function toVerification(routes: VerificationRoute[] | null): VerificationRouteType[] | null {
  return routes?.map((r) => ({ currency: r.currency, status: r.status as VerificationRouteType['status'], maximumEntitledAmount: String(r.maximumEntitledAmount) })) ?? null;
}

export function toOnboardingStatus(status: OnboardingStatus): OnboardingStatusType {
  return {
    state: status.state as OnboardingStatusType['state'],
    model: status.model as OnboardingStatusType['model'],
    nextAction: status.nextAction as OnboardingStatusType['nextAction'],
    message: status.message,
    relinkReason: status.relinkReason as OnboardingStatusType['relinkReason'],
    profileId: status.profileId === null ? null : String(status.profileId),
    verification: toVerification(status.verification),
  };
}

export function toProfile(profile: WiseProfile): WiseProfileType {
  const address = profile.data.address as { addressFirstLine?: string; city?: string; postCode?: string | null; stateCode?: string | null; countryIso2Code?: string; countryIso3Code?: string } | undefined;
  return {
    id: String(profile.id),
    type: profile.type as WiseProfileType['type'],
    fullName: profile.fullName,
    dateOfBirth: profile.dateOfBirth,
    address: address
      ? {
          firstLine: address.addressFirstLine ?? '',
          city: address.city ?? '',
          postCode: address.postCode ?? null,
          stateCode: address.stateCode ?? null,
          country: address.countryIso2Code ?? ISO2_BY_ISO3[address.countryIso3Code ?? ''] ?? '',
        }
      : null,
    verification: toVerification(profile.verification),
    syncedAt: profile.syncedAt,
  };
}

export function toFieldErrors(errors: WiseFieldError[]): FieldErrorType[] {
  return errors.map((e) => ({ path: e.path, code: e.code, message: e.message }));
}

/** `after` on a subscription: the last sequence the client received (null: from now on). */
export function parseAfterSequence(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) throw gatewayError(ErrorCode.BAD_USER_INPUT, 'after must be a sequence received from this subscription', { field: 'after' });
  return Number(value);
}

/**
 * The viewer's events resuming after `after` (from now on without it). A resume point whose
 * following events the log has pruned is refused — as this subscription's error, at subscribe
 * time — so the client reads the current state afresh rather than miss something silently.
 */
export async function viewerEvents<T extends DomainEvent>(ctx: GatewayContext, after: unknown, accept: (event: DomainEvent) => event is T): Promise<AsyncIterableIterator<T>> {
  const from = parseAfterSequence(after);
  if (from !== null && (await resumePointPruned(ctx.reads, ctx.viewer.customerId, from))) {
    throw gatewayError(ErrorCode.RESUME_POINT_EXPIRED, 'Events after this sequence are no longer kept: read the current state, then subscribe without after', { field: 'after' });
  }
  return customerEventStream({ events: ctx.services.events, db: ctx.reads }, ctx.viewer.customerId, from, accept);
}
