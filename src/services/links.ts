import type { EntityManager } from '@mikro-orm/postgresql';
import { WiseLink } from '../entities/WiseLink.js';
import { NotLinkedError, RelinkRequiredError } from './wise-tokens.js';

/** The customer's working link with a profile; anything else is a typed error the API maps. */
export async function requireLinkedProfile(em: EntityManager, customerId: string): Promise<WiseLink & { profileId: number }> {
  const link = await em.findOne(WiseLink, { customerId, status: { $ne: 'UNLINKED' } });
  if (link?.status === 'RELINK_REQUIRED') throw new RelinkRequiredError(link.relinkReason ?? 'ACCESS_REVOKED');
  if (!link || link.status !== 'LINKED' || !link.profileId) throw new NotLinkedError();
  return link as WiseLink & { profileId: number };
}
