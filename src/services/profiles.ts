/**
 * Wise profiles: created from the bank's customer data, cached in Postgres and served from
 * there. Also the verification cache the transfer gate reads (Wise's bank-transfer check).
 */
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type WiseLink } from '../entities/WiseLink.js';
import { WiseProfile, type VerificationRoute } from '../entities/WiseProfile.js';
import type { WiseApi } from '../wise/api.js';
import type { BusinessProfileInput, PersonalProfileInput, WiseV2Profile } from '../wise/objects.js';
import { ISO3 } from '../wise/countries.js';
import type { Customer } from '../ports/customer-directory.js';
import type { OnboardingModel } from '../config.js';
import { commitWithEvents, type EventBody, type EventBus } from './events.js';
import { isVerified, onboardingChanged } from './onboarding-status.js';
import type { WiseTokens } from './wise-tokens.js';
import { GatewayError } from '../domain/errors.js';

/** Verification read from Wise is trusted this long; webhooks keep it current in between. */
export const VERIFICATION_STALE_AFTER_MS = 5 * 60_000;

/** A UUID that is the same every time for the same parts: an idempotency key that survives retries. */
export function stableUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Wise's personal-profile body from the bank's record of the customer. */
export function personalProfileFromCustomer(customer: Customer, overrides: Partial<PersonalProfileInput> = {}): PersonalProfileInput {
  const country = ISO3[customer.address.country];
  if (!country) throw new GatewayError('PROFILE_NOT_SUPPORTED', `Wise profiles cannot be created for country ${customer.address.country} yet`, { field: 'address.country' });
  return {
    // Wise allows 30 characters; longer names are truncated, as its guide says to.
    firstName: customer.givenName.slice(0, 30),
    lastName: customer.familyName.slice(0, 30),
    dateOfBirth: customer.dateOfBirth,
    externalCustomerId: customer.id,
    address: {
      addressFirstLine: customer.address.firstLine,
      city: customer.address.city,
      countryIso3Code: country,
      postCode: customer.address.postCode,
      ...(customer.address.stateCode ? { stateCode: customer.address.stateCode } : {}),
    },
    contactDetails: { email: customer.email, phoneNumber: customer.phone },
    ...overrides,
  };
}

export class ProfileService {
  constructor(private readonly deps: { api: WiseApi; tokens: WiseTokens; events: EventBus; sourceCurrencies: string[]; model: OnboardingModel }) {}

  /** The customer's cached profiles (no call to Wise). */
  list(em: EntityManager, customerId: string): Promise<WiseProfile[]> {
    return em.find(WiseProfile, { customerId }, { orderBy: { id: 'asc' } });
  }

  async createPersonal(em: EntityManager, link: WiseLink, customer: Customer, overrides: Partial<PersonalProfileInput> = {}): Promise<WiseProfile> {
    const input = personalProfileFromCustomer(customer, overrides);
    const created = await this.deps.tokens.withUserToken(link, (token) =>
      this.deps.api.createPersonalProfile({ token, customerId: customer.id }, input, stableUuid(link.id, 'personal-profile')),
    );
    const data = await this.deps.tokens.withUserToken(link, (token) => this.deps.api.getProfile({ token, customerId: link.customerId }, created.id));
    let profile: WiseProfile | undefined;
    // Stored, and the customer's new onboarding status announced, in one commit.
    await commitWithEvents(
      em,
      this.deps.events,
      async (tx) => [await onboardingChanged(tx, link.customerId, this.deps.model)],
      async (tx) => {
        profile = await this.place(tx, link, data);
        link.profileId ??= profile.id;
      },
    );
    return profile!;
  }

  async createBusiness(em: EntityManager, link: WiseLink, customer: Customer, input: BusinessProfileInput, idempotencyKey: string): Promise<WiseProfile> {
    const created = await this.deps.tokens.withUserToken(link, (token) =>
      this.deps.api.createBusinessProfile({ token, customerId: customer.id }, input, stableUuid(link.id, 'business-profile', idempotencyKey)),
    );
    return this.store(em, link, created);
  }

  /** Reads a profile from Wise into the cache. */
  async sync(em: EntityManager, link: WiseLink, profileId: number): Promise<WiseProfile> {
    const data = await this.deps.tokens.withUserToken(link, (token) => this.deps.api.getProfile({ token, customerId: link.customerId }, profileId));
    return this.store(em, link, data);
  }

  async store(em: EntityManager, link: WiseLink, data: WiseV2Profile): Promise<WiseProfile> {
    const profile = await this.place(em, link, data);
    await em.flush();
    return profile;
  }

  /** Stages the profile's cached copy in `em` (the caller flushes). */
  async place(em: EntityManager, link: WiseLink, data: WiseV2Profile): Promise<WiseProfile> {
    let profile = await em.findOne(WiseProfile, data.id);
    if (!profile) {
      profile = em.create(WiseProfile, {
        id: data.id,
        customerId: link.customerId,
        linkId: link.id,
        wiseUserId: data.userId,
        type: data.type,
        fullName: '',
        data: {},
        syncedAt: new Date(),
      });
    }
    Object.assign(profile, {
      customerId: link.customerId,
      linkId: link.id,
      wiseUserId: data.userId,
      type: String(data.type).toUpperCase() as 'PERSONAL' | 'BUSINESS',
      fullName: data.fullName ?? data.businessName ?? [data.firstName, data.lastName].filter(Boolean).join(' '),
      dateOfBirth: data.dateOfBirth ?? null,
      data,
      syncedAt: new Date(),
    });
    return profile;
  }

  /**
   * The profile's verification per source currency: from the cache while fresh, else from
   * Wise's check (which also proves the link's tokens still work).
   */
  async verification(em: EntityManager, link: WiseLink, profile: WiseProfile, fresh = false): Promise<VerificationRoute[]> {
    const age = profile.verificationSyncedAt ? Date.now() - profile.verificationSyncedAt.getTime() : Infinity;
    if (!fresh && profile.verification && age < VERIFICATION_STALE_AFTER_MS) return profile.verification;
    const check = await this.deps.tokens.withUserToken(link, (token) =>
      this.deps.api.verificationCheck({ token, customerId: link.customerId }, profile.id, this.deps.sourceCurrencies),
    );
    const routes: VerificationRoute[] = check.routes.map((r) => ({
      currency: r.source_currency,
      status: r.current_status,
      maximumEntitledAmount: r.maximum_entitled_amount,
    }));
    const changed = !sameRoutes(routes, profile.verification);
    profile.verification = routes;
    profile.verificationSyncedAt = new Date();
    if (!changed) {
      await em.flush();
      return routes;
    }
    // What Wise says now reaches the subscribers of the verification and of the onboarding
    // status (READY or not follows from it), committed with the change.
    await commitWithEvents(em, this.deps.events, async (tx) => [verificationChanged(profile), await onboardingChanged(tx, profile.customerId, this.deps.model)]);
    return routes;
  }
}

/**
 * Whether Wise's answer is what is cached, route by route. Not by their JSON: jsonb gives the
 * cached routes back with their keys reordered, and every check after a reload then looked like
 * a change and pushed the same verification again.
 */
function sameRoutes(a: VerificationRoute[], b: VerificationRoute[] | null): boolean {
  if (!b || a.length !== b.length) return false;
  return a.every((r, i) => r.currency === b[i].currency && r.status === b[i].status && Number(r.maximumEntitledAmount) === Number(b[i].maximumEntitledAmount));
}

/** The `verification.changed` event for the profile, carrying its verification as it stands in memory. */
export function verificationChanged(profile: WiseProfile): EventBody {
  const routes = profile.verification ?? [];
  return {
    type: 'verification.changed',
    customerId: profile.customerId,
    profileId: profile.id,
    verification: { routes, canTransfer: isVerified(routes), syncedAt: profile.verificationSyncedAt?.toISOString() ?? null },
  };
}

export { isVerified } from './onboarding-status.js';
