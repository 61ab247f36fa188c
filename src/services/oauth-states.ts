/**
 * The `state` of Wise's authorization page: issued with the page's URL, bound to the customer
 * who asked, valid for ten minutes, used once. Only its hash is stored (the value travels
 * through the browser). Wise KYC linking (onboarding.ts) issues one each time it sends a
 * customer to Wise and consumes it when Wise's redirect comes back.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ormSql } from '../db/orm.js';
import { OAuthState } from '../entities/OAuthState.js';

const STATE_LIFETIME_MS = 10 * 60_000;

/** Wise's authorization page for this bank's client, and where it sends the browser back. */
export type AuthorizationPage = { authorizeUrl: string; clientId: string; redirectUri: string };

export type StateRejection = {
  reason: 'INVALID_STATE' | 'STATE_OF_ANOTHER_CUSTOMER' | 'STATE_ALREADY_USED' | 'STATE_EXPIRED';
  customerId: string | null;
  message: string;
};

export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

/** A fresh, single-use state bound to this customer, and the URL of Wise's page that carries it. */
export async function issueAuthorizationUrl(
  em: EntityManager,
  page: AuthorizationPage,
  customerId: string,
  claimAccountCode?: string,
): Promise<{ authorizationUrl: string; expiresAt: Date }> {
  const state = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + STATE_LIFETIME_MS);
  em.create(OAuthState, { stateHash: hashState(state), customerId, expiresAt });
  await em.flush();
  const url = new URL(page.authorizeUrl);
  url.searchParams.set('client_id', page.clientId);
  url.searchParams.set('redirect_uri', page.redirectUri);
  url.searchParams.set('state', state);
  if (claimAccountCode) url.searchParams.set('claim_account_code', claimAccountCode);
  return { authorizationUrl: url.toString(), expiresAt };
}

/**
 * Uses a state from Wise's redirect: the customer it was issued to, or why it cannot be used.
 * `customerId` is the authenticated customer (GraphQL), or null (the browser callback, where the
 * state alone says whose it is).
 */
export async function consumeState(em: EntityManager, state: string, customerId: string | null): Promise<{ customerId: string } | StateRejection> {
  const stored = await em.findOne(OAuthState, { stateHash: hashState(state) });
  if (!stored) return { reason: 'INVALID_STATE', customerId, message: 'This link request is unknown. Start connecting again.' };
  if (customerId && stored.customerId !== customerId) {
    return { reason: 'STATE_OF_ANOTHER_CUSTOMER', customerId, message: 'This link request was started by someone else.' };
  }
  const owner = stored.customerId;
  const alreadyUsed: StateRejection = { reason: 'STATE_ALREADY_USED', customerId: owner, message: 'This link request was already used. Start connecting again.' };
  if (stored.usedAt) return alreadyUsed;
  if (stored.expiresAt.getTime() < Date.now()) return { reason: 'STATE_EXPIRED', customerId: owner, message: 'This link request has expired. Start connecting again.' };
  // Consumed atomically: two callbacks racing with one state cannot both proceed.
  const consumed = await em.getConnection().execute('update oauth_state set used_at = now() where state_hash = ? and used_at is null', [stored.stateHash], 'run');
  if ((consumed as unknown as { affectedRows: number }).affectedRows !== 1) return alreadyUsed;
  return { customerId: owner };
}

/** Voids every authorization URL handed to this customer: they are linked now. */
export async function voidStates(tx: EntityManager, customerId: string): Promise<void> {
  await ormSql(tx)('update oauth_state set used_at = now() where customer_id = ? and used_at is null', [customerId]);
}
