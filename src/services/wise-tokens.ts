/**
 * The token life cycle of a link. Hands out a valid user access token, refreshing it before it
 * expires — at most one refresh in flight per link in this process (single flight) and across
 * replicas (the link row is locked while refreshing; whoever comes second finds a fresh token).
 *
 * When Wise refuses the refresh token (invalid_grant), a partner-created user gets new tokens
 * from the stored registration code and sign-up email; when that fails too, the person has
 * reclaimed the account. Either way the link becomes RELINK_REQUIRED with the reason, and the
 * frontend is told — instead of every later call failing obscurely.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../db/orm.js';
import { WiseLink, type RelinkReason } from '../entities/WiseLink.js';
import type { Metrics } from '../ops/metrics.js';
import type { Logger } from '../logger.js';
import { WiseError } from '../wise/errors.js';
import type { TokenSet, WiseOAuth } from '../wise/oauth.js';
import { commitWithEvents, type EventBus } from './events.js';
import { onboardingChanged } from './onboarding-status.js';
import type { SecretBox } from './secrets.js';

/** Refresh this long before Wise's expiry, so a token never dies in the middle of a call. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export class RelinkRequiredError extends Error {
  constructor(readonly reason: RelinkReason) {
    super(`The Wise account must be linked again (${reason})`);
    this.name = 'RelinkRequiredError';
  }
}

export class NotLinkedError extends Error {
  constructor() {
    super('No Wise account is linked to this customer');
    this.name = 'NotLinkedError';
  }
}

type SecretField = 'accessToken' | 'refreshToken' | 'registrationCode';

export class WiseTokens {
  private readonly inflight = new Map<string, Promise<string>>();
  private clientToken: { value: string; expiresAt: number } | undefined;
  private clientTokenInflight: Promise<string> | undefined;

  constructor(
    private readonly deps: { orm: Orm; oauth: WiseOAuth; secrets: SecretBox; events: EventBus; logger: Logger; metrics?: Metrics },
  ) {}

  // ---- sealing -------------------------------------------------------------------------------

  seal(link: WiseLink, field: SecretField, value: string | null): void {
    link[field] = value === null ? null : this.deps.secrets.seal(value, `wise_link:${link.id}:${field}`);
  }

  open(link: WiseLink, field: SecretField): string | null {
    const sealed = link[field];
    return sealed === null ? null : this.deps.secrets.open(sealed, `wise_link:${link.id}:${field}`);
  }

  storeTokens(link: WiseLink, tokens: TokenSet): void {
    this.seal(link, 'accessToken', tokens.accessToken);
    link.accessTokenExpiresAt = tokens.accessTokenExpiresAt;
    if (tokens.refreshToken) {
      this.seal(link, 'refreshToken', tokens.refreshToken);
      link.refreshTokenExpiresAt = tokens.refreshTokenExpiresAt;
    }
  }

  // ---- application token ---------------------------------------------------------------------

  /** The client-credentials token, cached until shortly before it expires. */
  async clientAccessToken(force = false): Promise<string> {
    if (!force && this.clientToken && this.clientToken.expiresAt - Date.now() > REFRESH_MARGIN_MS) return this.clientToken.value;
    this.clientTokenInflight ??= this.deps.oauth
      .clientCredentials()
      .then((t) => {
        this.clientToken = { value: t.accessToken, expiresAt: t.accessTokenExpiresAt.getTime() };
        return t.accessToken;
      })
      .finally(() => (this.clientTokenInflight = undefined));
    return this.clientTokenInflight;
  }

  /** Runs a call with the client token; a 401 (token revoked early) gets one fresh token. */
  async withClientToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    try {
      return await call(await this.clientAccessToken());
    } catch (error) {
      if (!(error instanceof WiseError) || error.code !== 'UNAUTHORIZED') throw error;
      return call(await this.clientAccessToken(true));
    }
  }

  // ---- user tokens ---------------------------------------------------------------------------

  /** Runs a call with the customer's user token; a 401 triggers one refresh and one retry. */
  async withUserToken<T>(link: WiseLink, call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.accessToken(link);
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof WiseError) || error.code !== 'UNAUTHORIZED') throw error;
      return call(await this.accessToken(link, token));
    }
  }

  /**
   * A valid access token for the link. `rejected` is a token Wise just refused with 401: it is
   * refreshed even though its expiry says otherwise.
   */
  async accessToken(link: WiseLink, rejected?: string): Promise<string> {
    if (link.status === 'RELINK_REQUIRED') throw new RelinkRequiredError(link.relinkReason ?? 'ACCESS_REVOKED');
    if (!link.accessToken) throw new NotLinkedError();
    const current = this.open(link, 'accessToken')!;
    if (!rejected && link.accessTokenExpiresAt && link.accessTokenExpiresAt.getTime() - Date.now() > REFRESH_MARGIN_MS) return current;
    let flight = this.inflight.get(link.id);
    if (!flight) {
      flight = this.refresh(link.id, rejected).finally(() => this.inflight.delete(link.id));
      this.inflight.set(link.id, flight);
    }
    const token = await flight;
    // Keep the caller's copy of the link current for its next call.
    const fresh = await this.deps.orm.em.fork().findOneOrFail(WiseLink, link.id);
    Object.assign(link, { accessToken: fresh.accessToken, accessTokenExpiresAt: fresh.accessTokenExpiresAt, refreshToken: fresh.refreshToken, status: fresh.status });
    return token;
  }

  private async refresh(linkId: string, rejected?: string): Promise<string> {
    const em = this.deps.orm.em.fork() as EntityManager;
    const outcome = await em.transactional(async (tx) => {
      // Row lock: a refresh on another replica waits here and then finds a fresh token.
      const link = await tx.findOneOrFail(WiseLink, linkId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (link.status === 'RELINK_REQUIRED') return { relink: link.relinkReason ?? ('ACCESS_REVOKED' as RelinkReason) };
      const current = this.open(link, 'accessToken');
      const stillFresh = link.accessTokenExpiresAt && link.accessTokenExpiresAt.getTime() - Date.now() > REFRESH_MARGIN_MS;
      if (current && stillFresh && current !== rejected) return { token: current };

      const refreshToken = this.open(link, 'refreshToken');
      let failure: RelinkReason | undefined;
      if (!refreshToken || (link.refreshTokenExpiresAt && link.refreshTokenExpiresAt.getTime() <= Date.now())) {
        failure = 'REFRESH_TOKEN_EXPIRED';
      } else {
        try {
          const tokens = await this.deps.oauth.refresh(refreshToken);
          this.storeTokens(link, tokens);
          this.deps.metrics?.tokenRefreshes.inc({ outcome: 'refreshed' });
          return { token: tokens.accessToken };
        } catch (error) {
          failure = this.relinkReasonFor(error);
          this.deps.metrics?.tokenRefreshes.inc({ outcome: 'refused' });
        }
      }
      // Partner-created users: the registration code mints new tokens, unless the person has
      // reclaimed the account (or changed the email it is tied to).
      const registrationCode = this.open(link, 'registrationCode');
      if (registrationCode && link.signupEmail && failure !== 'EMAIL_CHANGED') {
        try {
          const tokens = await this.deps.oauth.registrationCode(link.signupEmail, registrationCode);
          this.storeTokens(link, tokens);
          this.deps.metrics?.tokenRefreshes.inc({ outcome: 'registration_code' });
          this.deps.logger.info({ linkId, customerId: link.customerId }, 'tokens regenerated from the registration code');
          return { token: tokens.accessToken };
        } catch (error) {
          if (!(error instanceof WiseError) || error.code !== 'INVALID_GRANT') throw error;
          failure = 'ACCOUNT_RECLAIMED';
        }
      }
      link.status = 'RELINK_REQUIRED';
      link.relinkReason = failure;
      this.seal(link, 'accessToken', null);
      this.seal(link, 'refreshToken', null);
      this.seal(link, 'registrationCode', null);
      link.accessTokenExpiresAt = null;
      link.refreshTokenExpiresAt = null;
      // Announced in this transaction: the customer's re-link banner is exactly this commit.
      await commitWithEvents(tx, this.deps.events, async () => [await onboardingChanged(tx, link.customerId, link.model)]);
      return { relink: failure, customerId: link.customerId };
    });
    if ('token' in outcome) return outcome.token as string;
    if (outcome.customerId) {
      this.deps.metrics?.relinks.inc({ reason: outcome.relink ?? 'UNKNOWN' });
      this.deps.logger.warn({ linkId, reason: outcome.relink }, 'Wise link needs re-authorization');
    }
    throw new RelinkRequiredError(outcome.relink);
  }

  /**
   * Why Wise refused a refresh token. invalid_grant: expired or revoked. Wise's guides answer a
   * refresh after the person changed their email at Wise with 400 or 403 (every token of the
   * user was revoked). Anything else (Wise down) is not a reason to unlink: it is rethrown.
   */
  private relinkReasonFor(error: unknown): RelinkReason {
    if (!(error instanceof WiseError)) throw error;
    if (error.code === 'INVALID_GRANT' || error.code === 'UNAUTHORIZED') return 'ACCESS_REVOKED';
    if (error.code === 'FORBIDDEN' || error.code === 'VALIDATION') return 'EMAIL_CHANGED';
    throw error;
  }
}
