/**
 * Where a customer stands in onboarding, as one value a frontend can switch on — worked out
 * from what the gateway has stored (the link and its profile), so the same rule serves the
 * `onboardingStatus` query and the snapshot each `onboarding.changed` event carries.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { OnboardingModel } from '../config.js';
import { WiseLink, type LinkModel, type LinkStatus, type RelinkReason } from '../entities/WiseLink.js';
import { WiseProfile, type VerificationRoute } from '../entities/WiseProfile.js';
import type { EventBody } from './events.js';

export type OnboardingState = 'NOT_LINKED' | 'AWAITING_AUTHORIZATION' | 'NO_PROFILE' | 'PENDING_VERIFICATION' | 'READY' | 'RELINK_REQUIRED' | 'IDENTITY_MISMATCH';
export type NextAction = 'CREATE_WISE_ACCOUNT' | 'LINK_WISE_ACCOUNT' | 'COMPLETE_AUTHORIZATION' | 'CREATE_PROFILE' | 'WAIT_FOR_VERIFICATION' | 'RELINK_WISE_ACCOUNT' | 'NONE';

export type OnboardingStatus = {
  state: OnboardingState;
  model: LinkModel;
  nextAction: NextAction;
  message: string;
  relinkReason: RelinkReason | null;
  wiseUserId: number | null;
  profileId: number | null;
  verification: VerificationRoute[] | null;
};

type LinkFacts = Pick<WiseLink, 'model' | 'status' | 'relinkReason' | 'wiseUserId' | 'profileId'> & { status: LinkStatus };

const RELINK_WHY: Record<RelinkReason, string> = {
  REFRESH_TOKEN_EXPIRED: 'Access to your Wise account has expired.',
  ACCESS_REVOKED: 'Access to your Wise account was withdrawn.',
  EMAIL_CHANGED: 'Your Wise email address changed, so Wise asks you to connect again.',
  ACCOUNT_RECLAIMED: 'You now manage your Wise account yourself, so Wise asks you to connect it again.',
};

/**
 * The status from the customer's live link, its profile and that profile's verification
 * (`routes`, the cached ones unless the caller has fresher).
 */
export function describeOnboarding(model: OnboardingModel, link: LinkFacts | null, profile: WiseProfile | null, routes = profile?.verification ?? []): OnboardingStatus {
  const base = { model: link?.model ?? model, relinkReason: null, wiseUserId: link?.wiseUserId ?? null, profileId: link?.profileId ?? null, verification: null };
  if (!link || link.status === 'CREATING') {
    return model === 'partner_kyc'
      ? { ...base, state: 'NOT_LINKED', nextAction: 'CREATE_WISE_ACCOUNT', message: 'Open a Wise account with the details the bank already has.' }
      : { ...base, state: 'NOT_LINKED', nextAction: 'LINK_WISE_ACCOUNT', message: 'Connect a Wise account: log in or sign up at Wise.' };
  }
  if (link.status === 'LINK_REQUIRED') {
    return { ...base, state: 'NOT_LINKED', nextAction: 'LINK_WISE_ACCOUNT', message: 'Wise already has an account with your email address. Log in to Wise to connect it.' };
  }
  if (link.status === 'AWAITING_AUTHORIZATION') {
    return { ...base, state: 'AWAITING_AUTHORIZATION', nextAction: 'COMPLETE_AUTHORIZATION', message: 'Finish connecting at Wise: review your details and allow access.' };
  }
  if (link.status === 'IDENTITY_MISMATCH') {
    return {
      ...base,
      state: 'IDENTITY_MISMATCH',
      nextAction: 'LINK_WISE_ACCOUNT',
      message: "The Wise profile's date of birth does not match the bank's records. Connect your own Wise account, or contact the bank.",
    };
  }
  if (link.status === 'RELINK_REQUIRED') {
    const reason = link.relinkReason ?? 'ACCESS_REVOKED';
    return { ...base, state: 'RELINK_REQUIRED', relinkReason: reason, nextAction: 'RELINK_WISE_ACCOUNT', message: `${RELINK_WHY[reason]} Log in to Wise to reconnect.` };
  }
  if (!link.profileId || !profile) return { ...base, state: 'NO_PROFILE', nextAction: 'CREATE_PROFILE', message: 'Create your Wise profile to start sending money.' };
  return isVerified(routes)
    ? { ...base, verification: routes, state: 'READY', nextAction: 'NONE', message: 'Ready to send money with Wise.' }
    : { ...base, verification: routes, state: 'PENDING_VERIFICATION', nextAction: 'WAIT_FOR_VERIFICATION', message: 'Wise is verifying your profile. Transfers open once it is verified.' };
}

/** The status from the store alone (no call to Wise): what a change event carries. */
export async function storedOnboardingStatus(em: EntityManager, customerId: string, model: OnboardingModel): Promise<OnboardingStatus> {
  const link = await em.findOne(WiseLink, { customerId, status: { $ne: 'UNLINKED' } });
  const profile = link?.status === 'LINKED' && link.profileId ? await em.findOne(WiseProfile, link.profileId) : null;
  return describeOnboarding(model, link, profile);
}

/**
 * The `onboarding.changed` event for the customer, carrying their status as `em` sees it — call
 * it inside the transaction that made the change, so the event says what was committed.
 */
export async function onboardingChanged(em: EntityManager, customerId: string, model: OnboardingModel): Promise<EventBody> {
  return { type: 'onboarding.changed', customerId, status: await storedOnboardingStatus(em, customerId, model) };
}

/** Whether Wise lets the profile send money from at least one of the bank's currencies. */
export function isVerified(routes: VerificationRoute[] | null): boolean {
  return Boolean(routes?.some((r) => r.status === 'verified' || r.maximumEntitledAmount > 0));
}
