/**
 * The verification gate as frontends and transfers read it: a profile's status per source
 * currency, from the cache, refreshed from Wise when stale or on request.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { WiseLink } from '../entities/WiseLink.js';
import { WiseProfile, type VerificationRoute } from '../entities/WiseProfile.js';
import { isVerified, VERIFICATION_STALE_AFTER_MS, type ProfileService } from './profiles.js';

export type VerificationView = { routes: VerificationRoute[]; canTransfer: boolean; syncedAt: Date | null };

export class VerificationService {
  constructor(private readonly profiles: ProfileService) {}

  /** Undefined when the profile is not one of this customer's. */
  async forCustomer(em: EntityManager, customerId: string, profileId: number, refresh: boolean): Promise<VerificationView | undefined> {
    const profile = await em.findOne(WiseProfile, { id: profileId, customerId });
    if (!profile) return undefined;
    const stale = !profile.verification || !profile.verificationSyncedAt || Date.now() - profile.verificationSyncedAt.getTime() > VERIFICATION_STALE_AFTER_MS;
    if (refresh || stale) {
      const link = await em.findOne(WiseLink, { id: profile.linkId, status: 'LINKED' });
      if (link) await this.profiles.verification(em, link, profile, true);
    }
    const routes = profile.verification ?? [];
    return { routes, canTransfer: isVerified(routes), syncedAt: profile.verificationSyncedAt };
  }
}
