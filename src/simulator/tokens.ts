/**
 * Token issuance and checking — `POST /oauth/token` for all four grants, and the bearer check
 * every API route uses. Lifetimes as Wise: access tokens 12 h, refresh tokens 20 years,
 * authorization codes 30 min; a refresh revokes the previous access token.
 */
import type { NextFunction, Request, Response, Router } from 'express';
import express from 'express';
import type { SimulatorCore } from './core.js';
import { forbidden, notFound, oauthError } from './errors.js';
import { findUserByEmail, opaqueToken, sha256, type SimProfile, type SimToken, type SimUser } from './state.js';

export const ACCESS_TOKEN_SECONDS = 43199;
const REFRESH_TOKEN_SECONDS = 628639555;

export type Authenticated = { token: SimToken; user: SimUser | null };

export function issueClientToken(sim: SimulatorCore) {
  const now = sim.clock.nowMs();
  const token: SimToken = {
    token: opaqueToken(),
    kind: 'client',
    clientId: sim.options.clientId,
    userId: null,
    refreshToken: null,
    expiresAt: now + ACCESS_TOKEN_SECONDS * 1000,
    revoked: false,
  };
  sim.state.tokens[token.token] = token;
  return {
    access_token: token.token,
    token_type: 'bearer',
    expires_in: ACCESS_TOKEN_SECONDS,
    expires_at: new Date(token.expiresAt).toISOString(),
    scope: 'transfers',
  };
}

/** Mints a user access token; with `refreshToken`, the previous access tokens of it die. */
export function issueUserTokens(sim: SimulatorCore, userId: number, existingRefreshToken?: string) {
  const now = sim.clock.nowMs();
  let refresh = existingRefreshToken ? sim.state.refreshTokens[existingRefreshToken] : undefined;
  if (refresh) {
    for (const t of Object.values(sim.state.tokens)) if (t.refreshToken === refresh.token) t.revoked = true;
  } else {
    refresh = { token: opaqueToken(), clientId: sim.options.clientId, userId, expiresAt: now + REFRESH_TOKEN_SECONDS * 1000, revoked: false };
    sim.state.refreshTokens[refresh.token] = refresh;
  }
  const access: SimToken = {
    token: opaqueToken(),
    kind: 'user',
    clientId: sim.options.clientId,
    userId,
    refreshToken: refresh.token,
    expiresAt: now + ACCESS_TOKEN_SECONDS * 1000,
    revoked: false,
  };
  sim.state.tokens[access.token] = access;
  sim.changed();
  return {
    access_token: access.token,
    token_type: 'bearer',
    refresh_token: refresh.token,
    expires_in: ACCESS_TOKEN_SECONDS,
    expires_at: new Date(access.expiresAt).toISOString(),
    refresh_token_expires_in: Math.floor((refresh.expiresAt - now) / 1000),
    refresh_token_expires_at: new Date(refresh.expiresAt).toISOString(),
    scope: 'transfers',
    created_at: new Date(now).toISOString(),
  };
}

/** Every token and refresh token of a user dies (email changed, account reclaimed…). */
export function revokeAllTokens(sim: SimulatorCore, userId: number, because: 'email_changed' | 'reclaimed' | 'revoked'): void {
  for (const t of Object.values(sim.state.tokens)) if (t.userId === userId) t.revoked = true;
  for (const r of Object.values(sim.state.refreshTokens)) {
    if (r.userId === userId && !r.revoked) {
      r.revoked = true;
      r.revokedBecause = because;
    }
  }
  sim.changed();
}

/**
 * HTTP Basic client authentication. openid-client (like RFC 6749 §2.3.1 asks) form-URL-encodes
 * the id and secret before base64, so both are decoded here.
 */
function clientFromBasic(sim: SimulatorCore, header: string | undefined): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return formDecode(decoded.slice(0, colon)) === sim.options.clientId && formDecode(decoded.slice(colon + 1)) === sim.options.clientSecret;
  } catch {
    return false;
  }
}

const INVALID_GRANT = 'Invalid user credentials.';

export function oauthRoutes(sim: SimulatorCore, router: Router): void {
  router.post('/oauth/token', express.urlencoded({ extended: false }), (req: Request, res: Response) => {
    res.locals.auth = 'basic';
    if (!clientFromBasic(sim, req.headers.authorization)) {
      return oauthError(res, 401, 'invalid_client', 'Client authentication failed');
    }
    if (!req.is('application/x-www-form-urlencoded')) {
      return oauthError(res, 400, 'invalid_request', 'Content type must be application/x-www-form-urlencoded');
    }
    const form = (req.body ?? {}) as Record<string, string | undefined>;
    res.locals.grant = form.grant_type;
    const now = sim.clock.nowMs();
    const requireFields = (...names: string[]) => {
      const missing = names.find((n) => !form[n]);
      if (missing) oauthError(res, 400, 'invalid_request', `Missing ${missing.replace(/_/g, ' ')}`);
      return !missing;
    };
    const sameClient = () => {
      if (form.client_id !== sim.options.clientId) {
        oauthError(res, 401, 'invalid_client', 'Client authentication failed');
        return false;
      }
      return true;
    };

    switch (form.grant_type) {
      case undefined:
      case '':
        return oauthError(res, 400, 'invalid_request', 'Missing grant type');

      case 'client_credentials':
        sim.changed();
        return res.json(issueClientToken(sim));

      case 'authorization_code': {
        if (!requireFields('client_id', 'code', 'redirect_uri') || !sameClient()) return;
        const code = sim.state.authCodes[form.code!];
        if (!code || code.used || code.expiresAt < now || code.clientId !== form.client_id || code.redirectUri !== form.redirect_uri) {
          if (code && code.used) {
            // RFC 6749 §4.1.2: a code used twice may have leaked; what it minted is revoked.
            for (const t of Object.values(sim.state.tokens)) if (t.userId === code.userId && t.clientId === code.clientId) t.revoked = true;
          }
          return oauthError(res, 401, 'invalid_grant', INVALID_GRANT);
        }
        code.used = true;
        return res.json(issueUserTokens(sim, code.userId));
      }

      case 'refresh_token': {
        if (!requireFields('refresh_token')) return;
        const refresh = sim.state.refreshTokens[form.refresh_token!];
        const user = refresh && sim.state.users[refresh.userId];
        if (refresh?.revoked && refresh.revokedBecause === 'email_changed') {
          // Wise's Wise-KYC guide: after the person changes their email at Wise, every token is
          // revoked and a refresh is refused with 403.
          return oauthError(res, 403, 'forbidden', 'The user changed their email address; the user must authorize again');
        }
        if (!refresh || refresh.revoked || refresh.expiresAt < now || !user?.active) {
          return oauthError(res, 401, 'invalid_grant', INVALID_GRANT);
        }
        return res.json(issueUserTokens(sim, refresh.userId, refresh.token));
      }

      case 'registration_code': {
        if (!requireFields('client_id', 'email', 'registration_code') || !sameClient()) return;
        const user = findUserByEmail(sim.state, form.email!);
        if (
          !user ||
          !user.active ||
          user.reclaimed ||
          user.createdByClientId !== sim.options.clientId ||
          user.registrationCodeHash !== sha256(form.registration_code!)
        ) {
          return oauthError(res, 401, 'invalid_grant', INVALID_GRANT);
        }
        return res.json(issueUserTokens(sim, user.id));
      }

      default:
        return oauthError(res, 400, 'unsupported_grant_type', `Unsupported grant type: ${form.grant_type}`);
    }
  });
}

/**
 * Bearer authentication for API routes. Wise answers 401 `invalid_token` for a bad or expired
 * token and the legacy `unauthorized` body when there is none.
 */
export function bearer(sim: SimulatorCore) {
  return (req: Request, res: Response, next: NextFunction) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return oauthError(res, 401, 'unauthorized', 'Full authentication is required to access this resource');
    const token = sim.state.tokens[match[1]];
    const user = token?.userId ? sim.state.users[token.userId] : null;
    if (!token || token.revoked || token.expiresAt < sim.clock.nowMs() || (token.kind === 'user' && !user?.active)) {
      return oauthError(res, 401, 'invalid_token', 'Invalid token');
    }
    res.locals.auth = token.kind;
    res.locals.authenticated = { token, user } satisfies Authenticated;
    next();
  };
}

export function authOf(res: Response): Authenticated {
  return res.locals.authenticated as Authenticated;
}

/** The route needs a user token; answers 401 for a client token and returns null. */
export function requireUser(res: Response): SimUser | null {
  const { token, user } = authOf(res);
  if (token.kind !== 'user' || !user) {
    oauthError(res, 401, 'invalid_token', 'This endpoint needs a user access token');
    return null;
  }
  return user;
}

export function requireClient(res: Response): boolean {
  if (authOf(res).token.kind !== 'client') {
    oauthError(res, 401, 'invalid_token', 'This endpoint needs a client-credentials token');
    return false;
  }
  return true;
}

/**
 * The profile named in the path (`:profileId`), when this bearer reaches it: a user token its
 * own user's profiles, a client-credentials token every profile linked to the application.
 * Answers 404 or 403 and returns undefined otherwise.
 */
export function reachableProfile(sim: SimulatorCore, req: Request, res: Response): SimProfile | undefined {
  const { token, user } = authOf(res);
  const profile = sim.state.profiles[Number(req.params.profileId)];
  if (!profile) {
    notFound(res, 'Profile');
    return undefined;
  }
  if (token.kind === 'user' && profile.userId !== user!.id) {
    forbidden(res);
    return undefined;
  }
  return profile;
}
