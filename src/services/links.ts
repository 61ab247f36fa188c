import type { EntityManager } from '@mikro-orm/postgresql';
import { WiseLink } from '../entities/WiseLink.js';
import { relinkRequired } from './wise-tokens.js';
import { GatewayError } from '../domain/errors.js';

/** The customer's working link with a profile; anything else is a typed error the API maps. */
export async function requireLinkedProfile(em: EntityManager, customerId: string): Promise<WiseLink & { profileId: number }> {
  const link = await em.findOne(WiseLink, { customerId, status: { $ne: 'UNLINKED' } });
  if (link?.status === 'RELINK_REQUIRED') throw relinkRequired(link.relinkReason ?? 'ACCESS_REVOKED');
  if (!link || link.status !== 'LINKED' || !link.profileId) throw new GatewayError('NOT_LINKED');
  return link as WiseLink & { profileId: number };
}
