/** Users: sign-up with a registration code, exists, me and claim-account, and Wise's user object. */
import express, { type Router } from 'express';
import type { SimulatorCore } from '../core.js';
import { notNull, validationError, type FieldError } from '../errors.js';
import { findUserByEmail, nextId, personalProfileOf, randomCode, sha256, type SimUser } from '../state.js';
import { requireClient, requireUser } from '../tokens.js';

const LANGUAGES = new Set(['EN', 'US', 'PT', 'ES', 'FR', 'DE', 'IT', 'JA', 'RU', 'PL', 'HU', 'TR', 'RO', 'NL', 'HK']);
const CLAIM_CODE_MS = 5 * 60_000;

export function userJson(sim: SimulatorCore, user: SimUser) {
  const personal = personalProfileOf(sim.state, user.id);
  if (!personal?.personal) return { id: user.id, name: null, email: user.email, active: user.active, details: null };
  const p = personal.personal;
  return {
    id: user.id,
    name: `${p.firstName} ${p.lastName}`,
    email: user.email,
    active: user.active,
    details: {
      firstName: p.firstName,
      lastName: p.lastName,
      phoneNumber: personal.phoneNumber,
      dateOfBirth: p.dateOfBirth,
      primaryAddress: personal.address.id,
      address: {
        countryCode: personal.address.countryIso2Code,
        firstLine: personal.address.addressFirstLine,
        postCode: personal.address.postCode ?? '',
        city: personal.address.city,
        ...(personal.address.stateCode ? { state: personal.address.stateCode } : {}),
      },
    },
  };
}

export function userRoutes(sim: SimulatorCore, router: Router): void {
  const json = express.json();

  router.post('/v1/user/signup/registration_code', json, (req, res) => {
    if (!requireClient(res)) return;
    const { email, registrationCode, language } = (req.body ?? {}) as Record<string, unknown>;
    const errors: FieldError[] = [];
    if (typeof email !== 'string' || !email) errors.push(notNull('email'));
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.push({ code: 'NOT_VALID', message: 'Email is not valid', path: 'email', arguments: ['email', email] });
    if (typeof registrationCode !== 'string' || !registrationCode) errors.push(notNull('registrationCode'));
    else if (registrationCode.length < 32) {
      errors.push({ code: 'NOT_VALID', message: 'Registration code must be at least 32 characters', path: 'registrationCode', arguments: ['registrationCode'] });
    }
    if (language !== undefined && (typeof language !== 'string' || !LANGUAGES.has(language))) {
      errors.push({ code: 'NOT_VALID', message: 'Unsupported language', path: 'language', arguments: ['language', String(language)] });
    }
    if (errors.length) return validationError(res, 400, errors);
    if (findUserByEmail(sim.state, email as string)) {
      const [local, domain] = (email as string).split('@');
      return validationError(res, 409, [
        { code: 'NOT_UNIQUE', message: "You're already a member. Please login", path: 'email', arguments: ['email', `${local.slice(0, 2)}******@${domain}`] },
      ]);
    }
    const user: SimUser = {
      id: nextId(sim.state, 'user'),
      email: email as string,
      passwordHash: null,
      active: true,
      createdAt: new Date().toISOString(),
      createdByClientId: sim.options.clientId,
      registrationCodeHash: sha256(registrationCode as string),
      reclaimed: false,
    };
    sim.state.users[user.id] = user;
    sim.changed();
    res.json(userJson(sim, user));
  });

  router.post('/v1/users/exists', json, (req, res) => {
    if (!requireClient(res)) return;
    const { email } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof email !== 'string' || !email) return validationError(res, 400, [notNull('email')]);
    res.json({ exists: Boolean(findUserByEmail(sim.state, email)) });
  });

  router.get('/v1/me', (_req, res) => {
    const user = requireUser(res);
    if (user) res.json(userJson(sim, user));
  });

  router.post('/v1/user/claim-account', json, (req, res) => {
    const user = requireUser(res);
    if (!user) return;
    const { registrationCode } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof registrationCode !== 'string' || !registrationCode) return validationError(res, 400, [notNull('registrationCode')]);
    if (user.reclaimed || user.registrationCodeHash !== sha256(registrationCode)) {
      return validationError(res, 400, [{ code: 'NOT_VALID', message: 'Registration code is not valid for this user', path: 'registrationCode', arguments: ['registrationCode'] }]);
    }
    const code = randomCode(18);
    sim.state.claimCodes[code] = { code, userId: user.id, expiresAt: sim.clock.nowMs() + CLAIM_CODE_MS };
    sim.changed();
    res.json({ claimAccountCode: code });
  });
}
