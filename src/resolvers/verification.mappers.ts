import { toGlobalId } from '../schema/ids.js';
import type { Verification } from '../schema/verification.js';
import type { VerificationView } from '../services/verification.js';
import { toVerificationRoutes } from './onboarding.mappers.js';

/** One verification per profile: its id is the profile's, so pushes update the cached one. */
export function toVerification(profileId: number, view: VerificationView | undefined, sequence: string | null = null): Verification {
  return {
    id: toGlobalId('Verification', profileId),
    profileId: toGlobalId('WiseProfile', profileId),
    canTransfer: view?.canTransfer ?? false,
    routes: toVerificationRoutes(view?.routes ?? []) ?? [],
    syncedAt: view?.syncedAt ?? null,
    sequence,
  };
}
