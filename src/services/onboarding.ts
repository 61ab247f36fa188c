/**
 * Onboarding, both ways Wise allows:
 *
 * - Partner KYC: the gateway creates the Wise user with a registration code, exchanges it for
 *   tokens and creates the personal profile from the bank's data. An email Wise already knows
 *   (409) falls back to linking.
 * - Wise KYC: the customer is sent to Wise's authorization page with a `state` bound to them;
 *   the callback's one-time code is exchanged for tokens; an account without a profile and a
 *   profile whose date of birth is not the bank's record are refused. In the pre-filled variant
 *   the gateway first creates the user and profile (as partner KYC) and sends the customer with
 *   a claim-account code to review and take it over.
 *
 * `status()` folds all of it into one value a frontend can switch on.
 */
import { randomBytes } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import { WiseLink, type LinkModel, type RelinkReason } from '../entities/WiseLink.js';
import { WiseProfile } from '../entities/WiseProfile.js';
import type { Logger } from '../logger.js';
import type { WiseApi } from '../wise/api.js';
import type { BusinessProfileInput, PersonalProfileInput } from '../wise/objects.js';
import { WiseError, type WiseFieldError } from '../wise/errors.js';
import type { TokenSet, WiseOAuth } from '../wise/oauth.js';
import type { Customer } from '../ports/customer-directory.js';
import { onboardingChanged, describeOnboarding, type OnboardingStatus } from './onboarding-status.js';
import { commitWithEvents, type EventBody, type EventBus } from './events.js';
import { consumeState, issueAuthorizationUrl, voidStates } from './oauth-states.js';
import type { ProfileService } from './profiles.js';
import type { WiseTokens } from './wise-tokens.js';
import { GatewayError, isGatewayError } from '../domain/errors.js';

export type { NextAction, OnboardingState, OnboardingStatus } from './onboarding-status.js';

export type LinkRejectionReason =
  | 'INVALID_STATE'
  | 'STATE_EXPIRED'
  | 'STATE_ALREADY_USED'
  | 'STATE_OF_ANOTHER_CUSTOMER'
  | 'AUTHORIZATION_DENIED'
  | 'CODE_REJECTED'
  | 'NO_PROFILE'
  | 'PROFILE_NOT_GRANTED'
  | 'IDENTITY_MISMATCH';

export type CompleteLinkResult =
  | { kind: 'completed'; customerId: string; status: OnboardingStatus }
  | { kind: 'rejected'; customerId: string | null; reason: LinkRejectionReason; message: string };

export type CreateAccountResult =
  | { kind: 'created'; status: OnboardingStatus; profile: WiseProfile | null }
  | { kind: 'link_required'; reason: 'EMAIL_ALREADY_AT_WISE' | 'BANK_USES_WISE_KYC' | 'IDENTITY_MISMATCH' | RelinkReason; authorizationUrl: string; expiresAt: Date }
  | { kind: 'already_linked'; status: OnboardingStatus }
  | { kind: 'profile_rejected'; status: OnboardingStatus; fieldErrors: WiseFieldError[] };

export type ProfileCreation = { kind: 'created'; profile: WiseProfile } | { kind: 'rejected'; fieldErrors: WiseFieldError[] } | { kind: 'not_linked' };

export type LinkAccountResult = { kind: 'authorization'; authorizationUrl: string; expiresAt: Date; claimsPrefilledAccount: boolean } | { kind: 'already_linked'; status: OnboardingStatus };

export type OnboardingDeps = {
  api: WiseApi;
  oauth: WiseOAuth;
  tokens: WiseTokens;
  profiles: ProfileService;
  events: EventBus;
  logger: Logger;
  config: Config['onboarding'];
  wise: { authorizeUrl: string; clientId: string };
  redirectUri: () => string;
};

export class OnboardingService {
  constructor(private readonly deps: OnboardingDeps) {}

  liveLink(em: EntityManager, customerId: string): Promise<WiseLink | null> {
    return em.findOne(WiseLink, { customerId, status: { $ne: 'UNLINKED' } });
  }

  // ---- status --------------------------------------------------------------------------------

  /** Where the customer stands. `fresh` asks Wise now (verification, and so the tokens). */
  async status(em: EntityManager, customerId: string, fresh = false): Promise<OnboardingStatus> {
    const link = await this.liveLink(em, customerId);
    const profile = link?.status === 'LINKED' && link.profileId ? await em.findOne(WiseProfile, link.profileId) : null;
    if (!link || !profile) return describeOnboarding(this.deps.config.model, link, profile);
    try {
      return describeOnboarding(this.deps.config.model, link, profile, await this.deps.profiles.verification(em, link, profile, fresh));
    } catch (error) {
      if (isGatewayError(error, 'RELINK_REQUIRED')) return describeOnboarding(this.deps.config.model, { ...link, status: 'RELINK_REQUIRED', relinkReason: error.details.relinkReason as RelinkReason }, null);
      throw error;
    }
  }

  /** The change event for this customer, carrying their status as it is in `em`'s transaction. */
  private async changed(em: EntityManager, customerId: string): Promise<EventBody[]> {
    return [await onboardingChanged(em, customerId, this.deps.config.model)];
  }

  /** Commits what changed in `em` (and `change`) with the customer's onboarding event. */
  private async commitChange(em: EntityManager, customerId: string, change?: (tx: EntityManager) => Promise<void>): Promise<void> {
    await commitWithEvents(em, this.deps.events, (tx) => this.changed(tx, customerId), change);
  }

  // ---- partner KYC -----------------------------------------------------------------------------

  /**
   * Whether the customer's own email at the bank has a Wise account. Only their own: the
   * bank's client credentials must not become a way to learn who else has one.
   */
  async checkWiseAccount(customer: Customer): Promise<boolean> {
    return this.deps.tokens.withClientToken((token) => this.deps.api.userExists(token, customer.email));
  }

  async createWiseAccount(em: EntityManager, customer: Customer): Promise<CreateAccountResult> {
    if (this.deps.config.model !== 'partner_kyc') {
      const link = await this.linkAccount(em, customer);
      if (link.kind === 'already_linked') return link;
      return { kind: 'link_required', reason: 'BANK_USES_WISE_KYC', authorizationUrl: link.authorizationUrl, expiresAt: link.expiresAt };
    }
    let link = await this.liveLink(em, customer.id);
    if (link && (link.status === 'RELINK_REQUIRED' || link.status === 'IDENTITY_MISMATCH')) {
      // An account whose credentials died, or one that was not this person's, cannot be
      // re-created: the person must authorize at Wise — and is told why, as onboardingStatus says.
      const url = await this.authorizationUrl(em, customer.id);
      return { kind: 'link_required', reason: link.status === 'IDENTITY_MISMATCH' ? 'IDENTITY_MISMATCH' : (link.relinkReason ?? 'ACCESS_REVOKED'), ...url };
    }
    if (link && link.status === 'LINK_REQUIRED') {
      // Wise told us this email is taken; asking again would only repeat the 409. A customer
      // whose email at the bank has changed since gets a fresh attempt.
      if (link.signupEmail === customer.email) {
        const url = await this.authorizationUrl(em, customer.id);
        return { kind: 'link_required', reason: 'EMAIL_ALREADY_AT_WISE', ...url };
      }
      em.remove(link);
      await em.flush();
      link = null;
    }
    if (link && link.status !== 'CREATING') return { kind: 'already_linked', status: await this.status(em, customer.id) };

    const created = await this.createUserAndTokens(em, customer, link, 'partner_kyc');
    if (created.kind === 'exists') {
      const url = await this.authorizationUrl(em, customer.id);
      return { kind: 'link_required', reason: 'EMAIL_ALREADY_AT_WISE', ...url };
    }
    link = created.link;
    // The profile, once stored, is announced with it (ProfileService.createPersonal).
    const profile = await this.createProfile(em, link, customer);
    if ('fieldErrors' in profile) return { kind: 'profile_rejected', status: await this.status(em, customer.id), fieldErrors: profile.fieldErrors };
    return { kind: 'created', status: await this.status(em, customer.id, true), profile: profile.profile };
  }

  /**
   * Creates (or, after an interrupted attempt, recovers) the Wise user for the customer with a
   * registration code, and its tokens. The code is stored — sealed — before Wise sees it, so a
   * crash between Wise's answer and ours can never lose the only key to the account.
   */
  private async createUserAndTokens(em: EntityManager, customer: Customer, existing: WiseLink | null, model: LinkModel): Promise<{ kind: 'created'; link: WiseLink } | { kind: 'exists' }> {
    let link = existing;
    if (!link) {
      link = em.create(WiseLink, { customerId: customer.id, model, status: 'CREATING', signupEmail: customer.email });
      this.deps.tokens.seal(link, 'registrationCode', randomBytes(32).toString('base64url'));
      try {
        await em.flush();
      } catch (error) {
        if (error instanceof UniqueConstraintViolationException) throw new GatewayError('ONBOARDING_IN_PROGRESS', undefined, { cause: error });
        throw error;
      }
    }
    const code = this.deps.tokens.open(link, 'registrationCode')!;
    const email = link.signupEmail!;

    // A previous attempt may have created the user and lost the answer: the code tells.
    let tokens: TokenSet | undefined = existing ? await this.tryRegistrationCode(email, code) : undefined;
    let userId: number | null = null;
    if (!tokens) {
      try {
        const user = await this.deps.tokens.withClientToken((token) => this.deps.api.signUp(token, email, code, customer.id));
        userId = user.id;
      } catch (error) {
        if (!(error instanceof WiseError) || error.code !== 'CONFLICT') throw error;
        tokens = await this.tryRegistrationCode(email, code);
        if (!tokens) {
          // The email belongs to someone's own Wise account. The code is useless now and is
          // dropped; only the fact is kept, so onboardingStatus can say "link" from here on.
          this.clearCredentials(link);
          link.status = 'LINK_REQUIRED';
          await this.commitChange(em, customer.id);
          return { kind: 'exists' };
        }
      }
      tokens ??= await this.deps.oauth.registrationCode(email, code);
    }
    this.deps.tokens.storeTokens(link, tokens);
    link.status = 'LINKED';
    link.wiseUserId = userId ?? (await this.deps.api.me({ token: tokens.accessToken, customerId: customer.id })).id;
    await this.commitChange(em, customer.id, (tx) => voidStates(tx, customer.id));
    return { kind: 'created', link };
  }

  private async tryRegistrationCode(email: string, code: string): Promise<TokenSet | undefined> {
    try {
      return await this.deps.oauth.registrationCode(email, code);
    } catch (error) {
      if (error instanceof WiseError && error.code === 'INVALID_GRANT') return undefined;
      throw error;
    }
  }

  private async createProfile(em: EntityManager, link: WiseLink, customer: Customer): Promise<{ profile: WiseProfile } | { fieldErrors: WiseFieldError[] }> {
    try {
      return { profile: await this.deps.profiles.createPersonal(em, link, customer) };
    } catch (error) {
      const failure = this.profileFailure(error);
      return failure.kind === 'rejected' ? { fieldErrors: failure.fieldErrors } : { fieldErrors: [] };
    }
  }

  // ---- Wise KYC --------------------------------------------------------------------------------

  async linkAccount(em: EntityManager, customer: Customer): Promise<LinkAccountResult> {
    let link = await this.liveLink(em, customer.id);
    if (link?.status === 'LINKED') return { kind: 'already_linked', status: await this.status(em, customer.id) };

    let claimCode: string | undefined;
    if (this.deps.config.model === 'wise_kyc_prefilled' && (!link || link.status === 'CREATING' || link.status === 'AWAITING_AUTHORIZATION')) {
      if (!link || link.status === 'CREATING') {
        const created = await this.createUserAndTokens(em, customer, link, 'wise_kyc_prefilled');
        if (created.kind === 'created') {
          link = created.link;
          await this.createProfile(em, link, customer);
          link.status = 'AWAITING_AUTHORIZATION';
          await this.commitChange(em, customer.id);
        }
      }
      if (link && link.status === 'AWAITING_AUTHORIZATION') {
        const registrationCode = this.deps.tokens.open(link, 'registrationCode');
        // A claim code lives 5 minutes: a fresh one each time the customer is sent to Wise.
        if (registrationCode) claimCode = await this.deps.tokens.withUserToken(link, (token) => this.deps.api.claimAccount({ token, customerId: customer.id }, registrationCode));
      }
    }
    const url = await this.authorizationUrl(em, customer.id, claimCode);
    return { kind: 'authorization', ...url, claimsPrefilledAccount: Boolean(claimCode) };
  }

  /** A fresh, single-use state bound to this customer, and the URL of Wise's page. */
  private authorizationUrl(em: EntityManager, customerId: string, claimAccountCode?: string): Promise<{ authorizationUrl: string; expiresAt: Date }> {
    return issueAuthorizationUrl(em, { ...this.deps.wise, redirectUri: this.deps.redirectUri() }, customerId, claimAccountCode);
  }

  /**
   * Finishes a link from Wise's redirect. `customerId` is the authenticated customer (GraphQL)
   * or null (the browser callback, where the state alone says whose it is).
   */
  async completeLink(
    em: EntityManager,
    input: { customerId: string | null; state: string; code?: string | null; profileId?: number | null; error?: string | null; errorDescription?: string | null },
    customerFor: (customerId: string) => Promise<Customer | null>,
  ): Promise<CompleteLinkResult> {
    const reject = (customerId: string | null, reason: LinkRejectionReason, message: string): CompleteLinkResult => ({ kind: 'rejected', customerId, reason, message });
    const consumed = await consumeState(em, input.state, input.customerId);
    if ('reason' in consumed) return reject(consumed.customerId, consumed.reason, consumed.message);
    const { customerId } = consumed;

    if (input.error) {
      return reject(customerId, 'AUTHORIZATION_DENIED', input.errorDescription ? `Wise says: ${input.errorDescription}` : 'Access was not granted at Wise.');
    }
    if (!input.code) return reject(customerId, 'CODE_REJECTED', 'Wise sent no authorization code.');
    const customer = await customerFor(customerId);
    if (!customer) return reject(customerId, 'INVALID_STATE', 'The bank does not know this customer.');

    let tokens: TokenSet;
    try {
      tokens = await this.deps.oauth.authorizationCode(input.code);
    } catch (error) {
      if (error instanceof WiseError && (error.code === 'INVALID_GRANT' || error.code === 'UNAUTHORIZED' || error.code === 'VALIDATION')) {
        return reject(customerId, 'CODE_REJECTED', 'Wise did not accept the authorization code (it expires after 30 minutes and works once).');
      }
      throw error;
    }
    const who = { token: tokens.accessToken, customerId };
    const profiles = await this.deps.api.listProfiles(who);
    if (profiles.length === 0) return reject(customerId, 'NO_PROFILE', 'This Wise account has no profile yet. Finish setting it up at Wise, then connect again.');
    const granted = input.profileId ? profiles.find((p) => p.id === Number(input.profileId)) : (profiles.find((p) => p.type === 'PERSONAL') ?? profiles[0]);
    if (!granted) return reject(customerId, 'PROFILE_NOT_GRANTED', 'The profile chosen at Wise is not part of this account.');

    let link = await this.liveLink(em, customerId);
    // Wise recommends checking the linked person is the bank's customer: date of birth.
    const personal = granted.type === 'PERSONAL' ? granted : profiles.find((p) => String(p.type).toUpperCase() === 'PERSONAL');
    if (personal?.dateOfBirth && personal.dateOfBirth !== customer.dateOfBirth) {
      // A link that works stays as it is: whoever completed an old URL with another person's
      // Wise login must not be able to take a linked customer offline.
      if (link?.status === 'LINKED') return reject(customerId, 'IDENTITY_MISMATCH', "The Wise profile's date of birth does not match the bank's records.");
      // The tokens are discarded; only the fact of the mismatch is kept.
      link ??= em.create(WiseLink, { customerId, model: this.deps.config.model === 'partner_kyc' ? 'wise_kyc' : this.deps.config.model, status: 'IDENTITY_MISMATCH' });
      this.clearCredentials(link);
      link.status = 'IDENTITY_MISMATCH';
      link.profileId = null;
      await this.commitChange(em, customerId);
      return reject(customerId, 'IDENTITY_MISMATCH', "The Wise profile's date of birth does not match the bank's records.");
    }

    const me = await this.deps.api.me(who);
    const previousUser = link && link.wiseUserId !== null && link.wiseUserId !== me.id ? link.id : null;
    link ??= em.create(WiseLink, { customerId, model: this.deps.config.model === 'partner_kyc' ? 'wise_kyc' : this.deps.config.model, status: 'LINKED' });
    if (link.status === 'LINK_REQUIRED') {
      // The customer's own Wise account, connected through Wise's page: Wise KYC from here on.
      link.model = 'wise_kyc';
      link.signupEmail = null;
    }
    this.clearCredentials(link);
    this.deps.tokens.storeTokens(link, tokens);
    link.status = 'LINKED';
    link.relinkReason = null;
    link.wiseUserId = me.id;
    link.profileId = granted.id;
    const linked = link;
    await this.commitChange(em, customerId, async (tx) => {
      // Linked to a different Wise user now: the old user's profiles are no longer ours to show.
      if (previousUser) await tx.nativeDelete(WiseProfile, { linkId: previousUser });
      // Linked: every other authorization URL handed to this customer is void from now on.
      await voidStates(tx, customerId);
      await this.deps.profiles.place(tx, linked, granted);
    });
    return { kind: 'completed', customerId, status: await this.status(em, customerId, true) };
  }

  // ---- profiles ------------------------------------------------------------------------------

  async createPersonalProfile(em: EntityManager, customer: Customer, overrides: Partial<PersonalProfileInput>): Promise<ProfileCreation> {
    const link = await this.liveLink(em, customer.id);
    if (!link || link.status !== 'LINKED') return { kind: 'not_linked' };
    try {
      const profile = await this.deps.profiles.createPersonal(em, link, customer, overrides);
      return { kind: 'created', profile };
    } catch (error) {
      return this.profileFailure(error);
    }
  }

  async createBusinessProfile(em: EntityManager, customer: Customer, input: BusinessProfileInput, idempotencyKey: string): Promise<ProfileCreation> {
    const link = await this.liveLink(em, customer.id);
    if (!link || link.status !== 'LINKED') return { kind: 'not_linked' };
    try {
      return { kind: 'created', profile: await this.deps.profiles.createBusiness(em, link, customer, input, idempotencyKey) };
    } catch (error) {
      return this.profileFailure(error);
    }
  }

  private profileFailure(error: unknown): ProfileCreation {
    if (isGatewayError(error, 'PROFILE_NOT_SUPPORTED')) return { kind: 'rejected', fieldErrors: [{ code: 'NOT_SUPPORTED', message: error.message, path: error.details.field ?? null, arguments: [] }] };
    if (error instanceof WiseError && (error.code === 'VALIDATION' || error.code === 'CONFLICT')) return { kind: 'rejected', fieldErrors: error.fieldErrors };
    if (isGatewayError(error, 'RELINK_REQUIRED')) return { kind: 'not_linked' };
    throw error;
  }

  /** Forgets the customer's Wise credentials and cached profiles; history stays. */
  async unlink(em: EntityManager, customerId: string): Promise<boolean> {
    const link = await this.liveLink(em, customerId);
    if (!link) return false;
    this.clearCredentials(link);
    link.status = 'UNLINKED';
    const linkId = link.id;
    await commitWithEvents(
      em,
      this.deps.events,
      async (tx) => [...(await this.changed(tx, customerId)), { type: 'customer.unlinked', customerId }],
      async (tx) => void (await tx.nativeDelete(WiseProfile, { linkId })),
    );
    return true;
  }

  private clearCredentials(link: WiseLink): void {
    this.deps.tokens.seal(link, 'accessToken', null);
    this.deps.tokens.seal(link, 'refreshToken', null);
    this.deps.tokens.seal(link, 'registrationCode', null);
    link.accessTokenExpiresAt = null;
    link.refreshTokenExpiresAt = null;
  }
}
