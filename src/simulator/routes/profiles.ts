/** v2 profiles: list, read, create personal and business ones, and Wise's profile object. */
import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { localDateTime } from '../clock.js';
import { ISO2_BY_ISO3, STATES_BY_COUNTRY } from '../countries.js';
import type { SimulatorCore } from '../core.js';
import { notNull, validationError, type FieldError } from '../errors.js';
import { nextId, personalProfileOf, profilesOf, type SimProfile, type SimUser } from '../state.js';
import { reachableProfile, requireUser } from '../tokens.js';
import type { WebhookDispatcher } from '../webhooks.js';
import { scheduleAutoVerify } from './verification.js';

export function profileJson(profile: SimProfile) {
  const common = {
    type: profile.type,
    id: profile.id,
    publicId: profile.publicId,
    userId: profile.userId,
    address: profile.address,
    email: profile.email,
    createdAt: profile.createdAt,
    updatedAt: profile.updatedAt,
    currentState: 'VISIBLE',
    contactDetails: { email: profile.email, phoneNumber: profile.phoneNumber },
  };
  if (profile.personal) {
    const p = profile.personal;
    return {
      ...common,
      avatar: null,
      firstName: p.firstName,
      lastName: p.lastName,
      ...(p.preferredName ? { preferredName: p.preferredName } : {}),
      dateOfBirth: p.dateOfBirth,
      phoneNumber: profile.phoneNumber,
      secondaryAddresses: [],
      fullName: `${p.firstName} ${p.lastName}`,
    };
  }
  const b = profile.business!;
  const optional = Object.fromEntries(Object.entries(b).filter(([, v]) => v !== null));
  return { ...common, ...optional, operationalAddresses: [], fullName: b.businessName };
}

type AddressInput = { addressFirstLine?: string; city?: string; countryIso3Code?: string; countryIso2Code?: string; postCode?: string; stateCode?: string };

function checkAddress(address: AddressInput | undefined, errors: FieldError[]) {
  if (!address || typeof address !== 'object') {
    errors.push(notNull('address'));
    return undefined;
  }
  if (!address.addressFirstLine) errors.push(notNull('address.addressFirstLine'));
  if (!address.city) errors.push(notNull('address.city'));
  const iso2 = address.countryIso3Code ? ISO2_BY_ISO3[address.countryIso3Code] : undefined;
  if (!address.countryIso3Code) errors.push(notNull('address.countryIso3Code'));
  else if (!iso2) {
    errors.push({ code: 'NOT_VALID', message: 'Country must be a lower-case ISO 3166-1 alpha-3 code', path: 'address.countryIso3Code', arguments: ['address.countryIso3Code', String(address.countryIso3Code)] });
  }
  if (iso2 && STATES_BY_COUNTRY[iso2]) {
    if (!address.stateCode) errors.push(notNull('address.stateCode'));
    else if (!STATES_BY_COUNTRY[iso2].includes(address.stateCode)) {
      errors.push({ code: 'NOT_VALID', message: 'Unknown state code', path: 'address.stateCode', arguments: ['address.stateCode', address.stateCode] });
    }
  }
  return iso2;
}

export function createProfileRecord(
  sim: SimulatorCore,
  user: SimUser,
  input: {
    type: 'PERSONAL' | 'BUSINESS';
    address: AddressInput & { iso2: string };
    phoneNumber: string;
    externalCustomerId?: string | null;
    idempotenceUuid?: string | null;
    createDetails: Record<string, unknown>;
    personal?: SimProfile['personal'];
    business?: SimProfile['business'];
  },
): SimProfile {
  const now = localDateTime(sim.clock.now());
  const profile: SimProfile = {
    id: nextId(sim.state, 'profile'),
    publicId: randomUUID(),
    userId: user.id,
    type: input.type,
    createdAt: now,
    updatedAt: now,
    verified: false,
    maximumEntitledAmount: 0,
    scaRequired: false,
    address: {
      id: nextId(sim.state, 'address'),
      addressFirstLine: input.address.addressFirstLine!,
      city: input.address.city!,
      countryIso2Code: input.address.iso2,
      countryIso3Code: input.address.countryIso3Code!,
      postCode: input.address.postCode ?? null,
      stateCode: input.address.stateCode ?? null,
    },
    email: user.email,
    phoneNumber: input.phoneNumber,
    externalCustomerId: input.externalCustomerId ?? null,
    idempotenceUuid: input.idempotenceUuid ?? null,
    createDetails: input.createDetails,
    personal: input.personal,
    business: input.business,
  };
  sim.state.profiles[profile.id] = profile;
  for (const [currency, amount] of Object.entries(sim.options.startingBalances)) {
    const id = nextId(sim.state, 'balance');
    sim.state.balances[id] = { id, profileId: profile.id, currency, amount, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() };
  }
  sim.changed();
  return profile;
}

export function profileRoutes(sim: SimulatorCore, dispatcher: WebhookDispatcher, router: Router): void {
  const json = express.json();

  router.get('/v2/profiles', (_req, res) => {
    const user = requireUser(res);
    if (user) res.json(profilesOf(sim.state, user.id).map(profileJson));
  });

  router.get('/v2/profiles/:profileId', (req, res) => {
    if (!requireUser(res)) return;
    const profile = reachableProfile(sim, req, res);
    if (profile) res.json(profileJson(profile));
  });

  router.post('/v2/profiles/personal-profile', json, (req, res) => {
    const user = requireUser(res);
    if (!user) return;
    const body = (req.body ?? {}) as Record<string, any>;
    const idempotence = req.header('X-idempotence-uuid') ?? null;
    const existing = personalProfileOf(sim.state, user.id);
    if (existing && idempotence && existing.idempotenceUuid === idempotence) {
      return res.json({ id: existing.id, type: 'PERSONAL', details: existing.createDetails });
    }
    const errors: FieldError[] = [];
    for (const field of ['firstName', 'lastName', 'dateOfBirth']) if (!body[field]) errors.push(notNull(field));
    for (const field of ['firstName', 'lastName']) {
      if (typeof body[field] === 'string' && body[field].length > 30) {
        errors.push({ code: 'NOT_VALID', message: `${field} must be at most 30 characters`, path: field, arguments: [field] });
      }
    }
    if (body.dateOfBirth && !/^\d{4}-\d{2}-\d{2}$/.test(String(body.dateOfBirth))) {
      errors.push({ code: 'NOT_VALID', message: 'dateOfBirth must be YYYY-MM-DD', path: 'dateOfBirth', arguments: ['dateOfBirth'] });
    }
    if (!body.contactDetails?.email) errors.push(notNull('contactDetails.email'));
    if (!body.contactDetails?.phoneNumber) errors.push(notNull('contactDetails.phoneNumber'));
    else if (!/^\+\d{6,15}$/.test(String(body.contactDetails.phoneNumber))) {
      errors.push({ code: 'NOT_VALID', message: 'Phone number must be in international format', path: 'contactDetails.phoneNumber', arguments: ['contactDetails.phoneNumber'] });
    }
    const iso2 = checkAddress(body.address, errors);
    if (errors.length) return validationError(res, 400, errors);
    if (existing) {
      return validationError(res, 409, [{ code: 'NOT_UNIQUE', message: 'A personal profile already exists for this user', path: 'type', arguments: ['PERSONAL'] }]);
    }
    const profile = createProfileRecord(sim, user, {
      type: 'PERSONAL',
      address: { ...body.address, iso2: iso2! },
      phoneNumber: body.contactDetails.phoneNumber,
      externalCustomerId: body.externalCustomerId,
      idempotenceUuid: idempotence,
      createDetails: { ...body, localizedInformation: [] },
      personal: { firstName: body.firstName, lastName: body.lastName, preferredName: body.preferredName ?? null, dateOfBirth: body.dateOfBirth },
    });
    scheduleAutoVerify(sim, dispatcher, profile);
    res.json({ id: profile.id, type: 'PERSONAL', details: profile.createDetails });
  });

  router.post('/v2/profiles/business-profile', json, (req, res) => {
    const user = requireUser(res);
    if (!user) return;
    const body = (req.body ?? {}) as Record<string, any>;
    const idempotence = req.header('X-idempotence-uuid') ?? null;
    const repeat = profilesOf(sim.state, user.id).find((p) => p.type === 'BUSINESS' && idempotence && p.idempotenceUuid === idempotence);
    if (repeat) return res.json(profileJson(repeat));
    const personal = personalProfileOf(sim.state, user.id);
    const errors: FieldError[] = [];
    if (!personal) {
      return validationError(res, 400, [{ code: 'NOT_VALID', message: 'A personal profile must exist before a business profile', path: 'type', arguments: ['BUSINESS'] }]);
    }
    if (!body.businessName) errors.push(notNull('businessName'));
    if (body.companyType === 'OTHER' && !body.businessFreeFormDescription) errors.push(notNull('businessFreeFormDescription'));
    if (body.companyType === 'OTHER' && !body.webpage) errors.push(notNull('webpage'));
    const iso2 = checkAddress(body.address, errors);
    if (errors.length) return validationError(res, 400, errors);
    const duplicate = profilesOf(sim.state, user.id).find(
      (p) => p.type === 'BUSINESS' && p.business?.businessName === body.businessName && p.business?.registrationNumber === (body.registrationNumber ?? null),
    );
    if (duplicate) {
      return validationError(res, 409, [{ code: 'NOT_UNIQUE', message: 'This business profile already exists', path: 'registrationNumber', arguments: ['registrationNumber'] }]);
    }
    const profile = createProfileRecord(sim, user, {
      type: 'BUSINESS',
      address: { ...body.address, iso2: iso2! },
      phoneNumber: personal.phoneNumber,
      externalCustomerId: body.externalCustomerId,
      idempotenceUuid: idempotence,
      createDetails: body,
      business: {
        businessName: body.businessName,
        registrationNumber: body.registrationNumber ?? null,
        companyType: body.companyType ?? null,
        companyRole: body.companyRole ?? null,
        descriptionOfBusiness: body.descriptionOfBusiness ?? null,
        businessFreeFormDescription: body.businessFreeFormDescription ?? null,
        webpage: body.webpage ?? null,
        firstLevelCategory: body.firstLevelCategory ?? null,
        secondLevelCategory: body.secondLevelCategory ?? null,
      },
    });
    scheduleAutoVerify(sim, dispatcher, profile);
    res.json(profileJson(profile));
  });
}
