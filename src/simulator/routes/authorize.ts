/**
 * The browser authorization page (`GET /oauth/authorize/`): a person logs in as an existing
 * Wise user or signs up, may claim an account a partner created (claim_account_code), chooses
 * a profile and consents — or declines. Wise then redirects to the registered redirect_uri with
 * `code` (single use, 30 minutes), `state` and `profileId`, or with `error` and
 * `error_description`. A redirect_uri that is not the registered one gets an error page and no
 * redirect at all, as at Wise.
 *
 * No cookies: between steps the page carries a short-lived HMAC-signed session in a hidden field.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Response, type Router } from 'express';
import { COUNTRIES, ISO3, STATES_BY_COUNTRY } from '../countries.js';
import type { SimulatorCore } from '../core.js';
import { addSelfRegisteredUser, findUserByEmail, profilesOf, randomCode, sha256, type SimUser } from '../state.js';
import { createProfileRecord, profileJson } from './profiles.js';

const AUTH_CODE_MS = 30 * 60_000;
const SESSION_MS = 15 * 60_000;

type AuthorizeParams = { client_id: string; redirect_uri: string; state?: string; claim_account_code?: string };
type Session = { userId: number; params: AuthorizeParams; exp: number };

export function authorizeRoutes(sim: SimulatorCore, router: Router): void {
  const sessionKey = randomBytes(32);
  const form = express.urlencoded({ extended: false });

  const sealSession = (session: Session) => {
    const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
    return `${payload}.${createHmac('sha256', sessionKey).update(payload).digest('base64url')}`;
  };
  const openSession = (value: unknown): Session | undefined => {
    if (typeof value !== 'string') return undefined;
    const [payload, mac] = value.split('.');
    if (!payload || !mac) return undefined;
    const expected = createHmac('sha256', sessionKey).update(payload).digest();
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const session = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Session;
    return session.exp > Date.now() ? session : undefined;
  };

  /** Checks client and redirect URI; on failure renders the error page and returns undefined. */
  const validParams = (res: Response, raw: Record<string, unknown>): AuthorizeParams | undefined => {
    const params = {
      client_id: String(raw.client_id ?? ''),
      redirect_uri: String(raw.redirect_uri ?? ''),
      state: raw.state === undefined ? undefined : String(raw.state),
      claim_account_code: raw.claim_account_code ? String(raw.claim_account_code) : undefined,
    };
    if (params.client_id !== sim.options.clientId) {
      res.status(400).type('html').send(page('Something went wrong', `<p id="error">Unknown client_id. This link is not valid.</p>`));
      return undefined;
    }
    if (!sim.options.redirectUris.includes(params.redirect_uri)) {
      res.status(400).type('html').send(page('Something went wrong', `<p id="error">The redirect_uri does not match the one registered for this application.</p>`));
      return undefined;
    }
    return params;
  };

  const redirectBack = (res: Response, params: AuthorizeParams, query: Record<string, string | undefined>) => {
    const url = new URL(params.redirect_uri);
    for (const [k, v] of Object.entries({ ...query, state: params.state })) if (v !== undefined) url.searchParams.set(k, v);
    res.redirect(302, url.toString());
  };

  const consentPage = (res: Response, user: SimUser, params: AuthorizeParams, notice = '') => {
    const profiles = profilesOf(sim.state, user.id);
    const session = sealSession({ userId: user.id, params, exp: Date.now() + SESSION_MS });
    const choices = profiles.length
      ? profiles
          .map((p, i) => {
            const json = profileJson(p) as { fullName: string };
            return `<label class="choice"><input type="radio" name="profileId" value="${p.id}" ${i === 0 ? 'checked' : ''} data-testid="profile-${p.id}"> ${escapeHtml(json.fullName)} <small>(${p.type.toLowerCase()})</small></label>`;
          })
          .join('')
      : `<p id="no-profile">This Wise account has no profile yet.</p>`;
    res.type('html').send(
      page(
        'Connect your Wise account',
        `${notice}<p>Logged in as <strong id="user-email">${escapeHtml(user.email)}</strong>.</p>
        <p><strong>${escapeHtml(sim.options.clientId)}</strong> asks to access one of your Wise profiles to send money for you.</p>
        <form method="post" action="/oauth/authorize/consent">
          <input type="hidden" name="session" value="${session}">
          <fieldset><legend>Choose a profile</legend>${choices}</fieldset>
          <button type="submit" name="decision" value="allow" id="allow">Allow</button>
          <button type="submit" name="decision" value="deny" id="deny" class="secondary">Deny</button>
        </form>`,
      ),
    );
  };

  router.get(['/oauth/authorize', '/oauth/authorize/'], (req, res) => {
    const params = validParams(res, req.query);
    if (!params) return;
    if (params.claim_account_code) {
      const claim = sim.state.claimCodes[params.claim_account_code];
      const user = claim && sim.state.users[claim.userId];
      if (!claim || claim.expiresAt < sim.clock.nowMs() || !user) {
        return redirectBack(res, params, { error: 'invalid_request', error_description: 'The claim_account_code is unknown or has expired' });
      }
      const hidden = hiddenParams(params);
      const review = profilesOf(sim.state, user.id)
        .map((p) => {
          const j = profileJson(p) as Record<string, any>;
          return `<li data-testid="review-${p.id}">${escapeHtml(j.fullName)}${j.dateOfBirth ? `, born ${j.dateOfBirth}` : ''}, ${escapeHtml(p.address.addressFirstLine)}, ${escapeHtml(p.address.city)}</li>`;
        })
        .join('');
      return res.type('html').send(
        page(
          'Claim your Wise account',
          `<p>Your bank opened a Wise account for <strong id="claim-email">${escapeHtml(user.email)}</strong>. Review the details and choose a password to take it over.</p>
          <ul id="review">${review}</ul>
          <form method="post" action="/oauth/authorize/claim">${hidden}
            <label>Password <input type="password" name="password" id="claim-password" required minlength="8"></label>
            <button type="submit" id="claim">Claim account and continue</button>
          </form>`,
        ),
      );
    }
    res.type('html').send(loginPage(params));
  });

  router.post('/oauth/authorize/login', form, (req, res) => {
    const params = validParams(res, req.body);
    if (!params) return;
    const user = findUserByEmail(sim.state, String(req.body.email ?? ''));
    if (!user || !user.active || !user.passwordHash || user.passwordHash !== sha256(String(req.body.password ?? ''))) {
      return res.status(401).type('html').send(loginPage(params, '<p class="error" id="login-error">Email or password is not right.</p>'));
    }
    consentPage(res, user, params);
  });

  router.post('/oauth/authorize/signup', form, (req, res) => {
    const params = validParams(res, req.body);
    if (!params) return;
    const email = String(req.body.email ?? '').trim();
    const password = String(req.body.password ?? '');
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || password.length < 8) {
      return res.status(400).type('html').send(loginPage(params, '<p class="error" id="signup-error">Enter an email and a password of at least 8 characters.</p>'));
    }
    if (findUserByEmail(sim.state, email)) {
      return res.status(409).type('html').send(loginPage(params, '<p class="error" id="signup-error">You\'re already a member. Please log in.</p>'));
    }
    const user = addSelfRegisteredUser(sim.state, email, password);
    const { firstName, lastName, dateOfBirth, country, city, firstLine, postCode, stateCode } = req.body as Record<string, string>;
    if (firstName && lastName && /^\d{4}-\d{2}-\d{2}$/.test(dateOfBirth ?? '') && ISO3[country]) {
      createProfileRecord(sim, user, {
        type: 'PERSONAL',
        address: { addressFirstLine: firstLine || '1 Main Street', city: city || 'London', countryIso3Code: ISO3[country], iso2: country, postCode: postCode || null!, stateCode: STATES_BY_COUNTRY[country] ? stateCode || STATES_BY_COUNTRY[country][0] : undefined },
        phoneNumber: '+447700900000',
        createDetails: { firstName, lastName, dateOfBirth },
        personal: { firstName, lastName, preferredName: null, dateOfBirth },
      });
    }
    sim.changed();
    consentPage(res, user, params, '<p class="notice">Your Wise account is ready.</p>');
  });

  router.post('/oauth/authorize/claim', form, (req, res) => {
    const params = validParams(res, req.body);
    if (!params) return;
    const claim = params.claim_account_code ? sim.state.claimCodes[params.claim_account_code] : undefined;
    const user = claim && sim.state.users[claim.userId];
    if (!claim || claim.expiresAt < sim.clock.nowMs() || !user) {
      return redirectBack(res, params, { error: 'invalid_request', error_description: 'The claim_account_code is unknown or has expired' });
    }
    if (String(req.body.password ?? '').length < 8) {
      return res.status(400).type('html').send(page('Claim your Wise account', '<p class="error">Choose a password of at least 8 characters.</p>'));
    }
    delete sim.state.claimCodes[claim.code];
    // The person now owns the account: the partner's registration code stops working.
    user.passwordHash = sha256(String(req.body.password));
    user.reclaimed = true;
    sim.changed();
    consentPage(res, user, params, '<p class="notice" id="claimed">Account claimed.</p>');
  });

  router.post('/oauth/authorize/consent', form, (req, res) => {
    const session = openSession(req.body.session);
    if (!session) {
      return res.status(400).type('html').send(page('Something went wrong', '<p id="error">This page has expired. Start again from your bank.</p>'));
    }
    const { params, userId } = session;
    if (req.body.decision !== 'allow') {
      return redirectBack(res, params, { error: 'access_denied', error_description: 'The user denied access to their Wise account' });
    }
    const profiles = profilesOf(sim.state, userId);
    const chosen = req.body.profileId ? profiles.find((p) => String(p.id) === String(req.body.profileId)) : undefined;
    if (req.body.profileId && !chosen) {
      return redirectBack(res, params, { error: 'invalid_request', error_description: 'The chosen profile does not belong to this user' });
    }
    const code = randomCode(24);
    sim.state.authCodes[code] = {
      code,
      clientId: params.client_id,
      redirectUri: params.redirect_uri,
      userId,
      profileId: chosen?.id ?? null,
      expiresAt: sim.clock.nowMs() + AUTH_CODE_MS,
      used: false,
    };
    sim.changed();
    redirectBack(res, params, { code, profileId: chosen ? String(chosen.id) : undefined });
  });
}

function hiddenParams(params: AuthorizeParams): string {
  return Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(String(v))}">`)
    .join('');
}

function loginPage(params: AuthorizeParams, notice = ''): string {
  const hidden = hiddenParams(params);
  const countries = COUNTRIES.filter((c) => ISO3[c.key])
    .map((c) => `<option value="${c.key}" ${c.key === 'GB' ? 'selected' : ''}>${escapeHtml(c.name)}</option>`)
    .join('');
  return page(
    'Log in to Wise',
    `${notice}
    <section>
      <h2>Log in</h2>
      <form method="post" action="/oauth/authorize/login" id="login-form">${hidden}
        <label>Email <input type="email" name="email" id="email" required autocomplete="username"></label>
        <label>Password <input type="password" name="password" id="password" required autocomplete="current-password"></label>
        <button type="submit" id="login">Log in</button>
      </form>
    </section>
    <section>
      <h2>New to Wise? Sign up</h2>
      <form method="post" action="/oauth/authorize/signup" id="signup-form">${hidden}
        <label>Email <input type="email" name="email" id="signup-email" required></label>
        <label>Password <input type="password" name="password" id="signup-password" required minlength="8"></label>
        <p class="hint">Leave the rest empty to open an account without a profile.</p>
        <label>First name <input name="firstName" id="signup-first-name"></label>
        <label>Last name <input name="lastName" id="signup-last-name"></label>
        <label>Date of birth <input type="date" name="dateOfBirth" id="signup-dob"></label>
        <label>Country <select name="country" id="signup-country">${countries}</select></label>
        <button type="submit" id="signup">Sign up</button>
      </form>
    </section>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} — Wise (simulator)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#0e0f0c}
h1{color:#163300}label{display:block;margin:.5rem 0}input,select{display:block;width:100%;padding:.4rem;margin-top:.2rem}
.choice{display:flex;gap:.5rem;align-items:center}.choice input{width:auto}
button{background:#9fe870;border:0;border-radius:2rem;padding:.6rem 1.4rem;margin:.8rem .5rem 0 0;font-weight:600;cursor:pointer}
button.secondary{background:#e8ebe6}.error{color:#a8200d}.notice{color:#2f5711}.banner{font-size:.8rem;color:#555}
</style></head><body><p class="banner">Wise Platform simulator — not the real Wise</p><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
