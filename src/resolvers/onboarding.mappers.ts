import type { WiseProfile as ProfileEntity, VerificationRoute as RouteEntity } from '../entities/WiseProfile.js';
import { toGlobalId } from '../schema/ids.js';
import { NotOfferedReasonEnum, type OnboardingStatus, type VerificationRoute, type WiseAvailability } from '../schema/onboarding.js';
import type { WiseProfile } from '../schema/profiles.js';
import type { OnboardingStatus as DomainStatus } from '../services/onboarding.js';
import type { Availability } from '../services/rollout.js';
import { ISO2_BY_ISO3 } from '../wise/countries.js';

export function toVerificationRoutes(routes: RouteEntity[] | null): VerificationRoute[] | null {
  return routes?.map((r) => ({ currency: r.currency, status: r.status as VerificationRoute['status'], maximumEntitledAmount: String(r.maximumEntitledAmount) })) ?? null;
}

/** One status per customer: its id is the customer's, so every answer updates the same cached object. */
export function toOnboardingStatus(customerId: string, status: DomainStatus, sequence: string | null = null): OnboardingStatus {
  return {
    id: toGlobalId('OnboardingStatus', customerId),
    state: status.state as OnboardingStatus['state'],
    model: status.model as OnboardingStatus['model'],
    nextAction: status.nextAction as OnboardingStatus['nextAction'],
    message: status.message,
    relinkReason: status.relinkReason as OnboardingStatus['relinkReason'],
    profileId: status.profileId === null ? null : toGlobalId('WiseProfile', status.profileId),
    verification: toVerificationRoutes(status.verification),
    sequence,
  };
}

export function toProfile(profile: ProfileEntity): WiseProfile {
  const address = profile.data.address as { addressFirstLine?: string; city?: string; postCode?: string | null; stateCode?: string | null; countryIso2Code?: string; countryIso3Code?: string } | undefined;
  return {
    id: toGlobalId('WiseProfile', profile.id),
    wiseProfileId: String(profile.id),
    type: profile.type as WiseProfile['type'],
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
    verification: toVerificationRoutes(profile.verification),
    syncedAt: profile.syncedAt,
  };
}

export function toAvailability(availability: Availability): WiseAvailability {
  return availability.offered
    ? { offered: true, reason: null, routes: availability.routes }
    : { offered: false, reason: NotOfferedReasonEnum[availability.reason], routes: [] };
}
