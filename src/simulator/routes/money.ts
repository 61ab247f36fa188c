/**
 * The money flow: quotes (v3), account requirements, recipients (v1 create, v2 read/list/
 * delete), transfer requirements, transfers (v1), funding (v3), balances (v4) and the sandbox
 * simulation that moves transfers through their states.
 */
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { isoSeconds, transferTimestamp } from '../clock.js';
import type { SimulatorCore } from '../core.js';
import { forbidden, notFound, owned, problem, validationError, type FieldError } from '../errors.js';
import { isSupportedCurrency, simCurrency } from '../currencies.js';
import { feeFor, formatAmount, rateOf, round, toUsd } from '../money.js';
import { accountRequirements, type RequirementType } from '../requirements/account-requirements.js';
import { transferRequirements, validateTransferDetails } from '../requirements/transfer-requirements.js';
import { validateRecipient } from '../requirements/validate.js';
import { nextId, personalProfileOf, type SimProfile, type SimQuote, type SimRecipient, type SimTransfer, type SimUser } from '../state.js';
import { requireUser } from '../tokens.js';
import { isCancellable, simulatedFrom } from '../transfer-states.js';
import { verifyRsaSha256 } from '../../lib/rsa-signature.js';
import type { WebhookDispatcher } from '../webhooks.js';

const QUOTE_LIFETIME_MS = 30 * 60_000;

export function quoteStatus(sim: SimulatorCore, quote: SimQuote): SimQuote['status'] {
  if (quote.status === 'PENDING' && Date.parse(quote.expirationTime) <= sim.clock.nowMs()) return 'EXPIRED';
  return quote.status;
}

function paymentOption(quote: SimQuote, payIn: 'BALANCE' | 'BANK_TRANSFER') {
  const fee = quote.fee;
  return {
    disabled: false,
    estimatedDelivery: isoSeconds(new Date(Date.parse(quote.createdTime) + 24 * 3600_000)),
    formattedEstimatedDelivery: 'by tomorrow',
    estimatedDeliveryDelays: [],
    fee: { transferwise: fee, payIn: 0, discount: 0, partner: 0, total: fee },
    price: {
      priceSetId: 384,
      total: { type: 'TOTAL', label: 'Total fees', value: { amount: fee, currency: quote.sourceCurrency, label: formatAmount(fee, quote.sourceCurrency) } },
      items: [{ type: 'TRANSFERWISE', label: 'Our fee', value: { amount: fee, currency: quote.sourceCurrency, label: formatAmount(fee, quote.sourceCurrency) } }],
    },
    sourceAmount: quote.sourceAmount,
    targetAmount: quote.targetAmount,
    sourceCurrency: quote.sourceCurrency,
    targetCurrency: quote.targetCurrency,
    payIn,
    payOut: quote.payOut,
    allowedProfileTypes: ['PERSONAL', 'BUSINESS'],
    payInProduct: payIn === 'BALANCE' ? 'BALANCE' : 'CHEAP',
    feePercentage: Number((fee / quote.sourceAmount).toFixed(4)),
  };
}

export function quoteJson(sim: SimulatorCore, quote: SimQuote) {
  const created = Date.parse(quote.createdTime);
  return {
    id: quote.id,
    sourceCurrency: quote.sourceCurrency,
    targetCurrency: quote.targetCurrency,
    sourceAmount: quote.sourceAmount,
    targetAmount: quote.targetAmount,
    payOut: quote.payOut,
    ...(quote.preferredPayIn ? { preferredPayIn: quote.preferredPayIn } : {}),
    rate: quote.rate,
    createdTime: quote.createdTime,
    user: quote.userId,
    profile: quote.profileId,
    rateType: 'FIXED',
    rateTimestamp: quote.createdTime,
    rateExpirationTime: isoSeconds(new Date(created + 48 * 3600_000)),
    guaranteedTargetAmountAllowed: false,
    targetAmountAllowed: true,
    guaranteedTargetAmount: false,
    providedAmountType: quote.providedAmountType,
    paymentOptions: [paymentOption(quote, 'BALANCE'), paymentOption(quote, 'BANK_TRANSFER')],
    status: quoteStatus(sim, quote),
    expirationTime: quote.expirationTime,
    notices: [],
    type: 'REGULAR',
    ...(quote.targetAccount ? { targetAccount: quote.targetAccount } : {}),
    ...(quote.paymentMetadata ? { paymentMetadata: quote.paymentMetadata } : {}),
  };
}

/** Wise's form JSON; absent rather than null where the OpenAPI types a property non-nullable. */
function requirementsJson(types: RequirementType[]) {
  return types.map((t) => ({
    type: t.type,
    title: t.title,
    ...(t.usageInfo ? { usageInfo: t.usageInfo } : {}),
    fields: t.fields.map((g) => ({
      name: g.name,
      group: g.group.map((f) => ({
        key: f.key,
        name: f.name,
        type: f.type,
        refreshRequirementsOnChange: f.refreshRequirementsOnChange,
        required: f.required,
        ...(f.displayFormat !== undefined ? { displayFormat: f.displayFormat } : {}),
        ...(f.example !== undefined ? { example: f.example } : {}),
        ...(f.minLength !== undefined ? { minLength: f.minLength } : {}),
        ...(f.maxLength !== undefined ? { maxLength: f.maxLength } : {}),
        ...(f.validationRegexp !== undefined ? { validationRegexp: f.validationRegexp } : {}),
        valuesAllowed: f.valuesAllowed ?? null,
      })),
    })),
  }));
}

const pascal = (type: string) => type.split('_').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');

function recipientCountry(r: SimRecipient): string | undefined {
  const d = r.details as Record<string, any>;
  if (typeof d.IBAN === 'string') return d.IBAN.slice(0, 2).toUpperCase();
  if (d.address?.country) return String(d.address.country);
  return simCurrency(r.currency)?.country;
}

const ACCOUNT_FIELDS: Record<string, [string, string]> = {
  sortCode: ['sortCode', 'UK sort code'],
  IBAN: ['IBAN', 'IBAN'],
  abartn: ['abartn', 'ACH routing number'],
  institutionNumber: ['institutionNumber', 'Institution number'],
  bsbCode: ['bsbCode', 'BSB code'],
  bankCode: ['bankCode', 'Bank code'],
  ifscCode: ['ifscCode', 'IFSC code'],
  swiftCode: ['swiftCode', 'SWIFT code'],
};

/** The v2 recipient object, which the OpenAPI gives for create, get, list and delete alike. */
export function recipientJson(r: SimRecipient) {
  const d = r.details as Record<string, any>;
  const [givenName, ...rest] = r.accountHolderName.split(/\s+/);
  const bankField = Object.keys(ACCOUNT_FIELDS).find((k) => d[k] !== undefined);
  const account = String(d.IBAN ?? d.accountNumber ?? d.interacAccount ?? d.email ?? '');
  const displayFields = Object.entries(d)
    .filter(([k, v]) => k !== 'legalType' && k !== 'address' && typeof v === 'string')
    .map(([k, v]) => ({ key: `details/${k}`, label: ACCOUNT_FIELDS[k]?.[1] ?? k, value: String(v) }));
  const country = recipientCountry(r);
  return {
    id: r.id,
    creatorId: r.userId,
    profileId: r.profileId,
    name: {
      fullName: r.accountHolderName,
      givenName: r.legalType === 'PRIVATE' ? givenName : null,
      familyName: r.legalType === 'PRIVATE' && rest.length ? rest.join(' ') : null,
      middleName: null,
      patronymicName: null,
      cannotHavePatronymicName: null,
    },
    currency: r.currency,
    ...(country ? { country } : {}),
    type: pascal(r.type),
    legalEntityType: r.legalType === 'BUSINESS' ? 'BUSINESS' : 'PERSON',
    active: r.active,
    details: { ...d, hashedByLooseHashAlgorithm: shortHash(JSON.stringify(d)) },
    commonFieldMap: { accountNumberField: d.IBAN ? 'IBAN' : 'accountNumber', ...(bankField ? { bankCodeField: bankField } : {}) },
    hash: shortHash(r.accountHolderName + JSON.stringify(d)),
    accountSummary: bankField && bankField !== 'IBAN' ? `(${d[bankField]}) ${account}` : account,
    longAccountSummary: `${r.currency} account ending in ${account.slice(-4)}`,
    displayFields,
    isInternal: false,
    ownedByCustomer: r.ownedByCustomer,
    email: typeof d.email === 'string' ? d.email : undefined,
  };
}

function shortHash(value: string): string {
  let h = 0;
  for (const ch of value) h = (Math.imul(31, h) + ch.charCodeAt(0)) | 0;
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function transferJson(t: SimTransfer) {
  return {
    id: t.id,
    user: t.userId,
    targetAccount: t.targetAccount,
    sourceAccount: t.sourceAccount,
    quote: null,
    quoteUuid: t.quoteUuid,
    status: t.status,
    reference: t.reference,
    rate: t.rate,
    created: t.created,
    business: null,
    transferRequest: null,
    details: { reference: t.reference },
    hasActiveIssues: false,
    sourceCurrency: t.sourceCurrency,
    sourceValue: t.sourceValue,
    targetCurrency: t.targetCurrency,
    targetValue: t.targetValue,
    customerTransactionId: t.customerTransactionId,
  };
}

export function moneyRoutes(sim: SimulatorCore, dispatcher: WebhookDispatcher, router: Router): void {
  const json = express.json({ type: ['application/json', 'application/merge-patch+json'] });

  /** Wise answers 415 in problem-details style when a JSON body comes without its type. */
  const requireJson = (req: Request, res: Response, ...types: string[]) => {
    if (req.is(types.length ? types : ['application/json'])) return true;
    problem(res, 415, 'Unsupported Media Type', `Content-Type '${req.headers['content-type'] ?? 'null'}' is not supported.`);
    return false;
  };

  const ownProfile = (req: Request, res: Response, user: SimUser, id: unknown = req.params.profileId): SimProfile | undefined =>
    owned(res, sim.state.profiles[Number(id)], user.id, 'Profile');

  const ownQuote = (res: Response, user: SimUser, id: string): SimQuote | undefined => owned(res, sim.state.quotes[id], user.id, 'Quote');

  const ownTransfer = (res: Response, user: SimUser, id: unknown): SimTransfer | undefined => owned(res, sim.state.transfers[Number(id)], user.id, 'Transfer');

  const moveTransfer = (transfer: SimTransfer, state: string) => {
    const previous = transfer.status;
    const at = sim.clock.now();
    transfer.status = state;
    transfer.history.push({ state, at: at.toISOString() });
    sim.changed();
    dispatcher.emit('transfers#state-change', transfer.profileId, {
      resource: { type: 'transfer', id: transfer.id, profile_id: transfer.profileId, account_id: transfer.targetAccount },
      current_state: state,
      previous_state: previous,
      occurred_at: isoSeconds(at),
    });
  };
  sim.moveTransfer = moveTransfer;

  const balanceOf = (profileId: number, currency: string) =>
    Object.values(sim.state.balances).find((b) => b.profileId === profileId && b.currency === currency);

  // ---- Quotes --------------------------------------------------------------------------------

  router.post('/v3/profiles/:profileId/quotes', json, (req, res) => {
    const user = requireUser(res);
    if (!user || !requireJson(req, res)) return;
    const profile = ownProfile(req, res, user);
    if (!profile) return;
    const body = (req.body ?? {}) as Record<string, any>;
    const errors: FieldError[] = [];
    for (const field of ['sourceCurrency', 'targetCurrency']) {
      if (!isSupportedCurrency(body[field])) {
        errors.push({ code: 'CurrencyCode', message: "That wasn't a valid ISO-4217 currency code (like GBP, USD or EUR).", path: field, arguments: [] });
      }
    }
    const hasSource = body.sourceAmount !== undefined && body.sourceAmount !== null;
    const hasTarget = body.targetAmount !== undefined && body.targetAmount !== null;
    if (hasSource === hasTarget) {
      errors.push({ code: 'NOT_VALID', message: 'Please provide either sourceAmount or targetAmount.', path: hasSource ? 'targetAmount' : 'sourceAmount', arguments: [] });
    }
    const amount = Number(hasSource ? body.sourceAmount : body.targetAmount);
    if ((hasSource || hasTarget) && (typeof (hasSource ? body.sourceAmount : body.targetAmount) !== 'number' || !(amount > 0))) {
      errors.push({ code: 'NOT_VALID', message: 'Amount must be a positive number.', path: hasSource ? 'sourceAmount' : 'targetAmount', arguments: [String(amount)] });
    }
    if (errors.length) return validationError(res, 400, errors);

    const source = body.sourceCurrency as string;
    const target = body.targetCurrency as string;
    const rate = rateOf(source, target);
    let sourceAmount: number;
    let targetAmount: number;
    let fee: number;
    if (hasSource) {
      sourceAmount = round(amount, source);
      fee = feeFor(sourceAmount, source);
      targetAmount = round(Math.max(sourceAmount - fee, 0) * rate, target);
    } else {
      targetAmount = round(amount, target);
      const beforeFee = targetAmount / rate;
      fee = feeFor(beforeFee, source);
      sourceAmount = round(beforeFee + fee, source);
    }
    if (targetAmount <= 0) {
      return validationError(res, 400, [{ code: 'NOT_VALID', message: 'The amount does not cover the fee.', path: 'sourceAmount', arguments: [String(amount)] }]);
    }
    const created = sim.clock.now();
    const quote: SimQuote = {
      id: randomUUID(),
      profileId: profile.id,
      userId: user.id,
      sourceCurrency: source,
      targetCurrency: target,
      sourceAmount,
      targetAmount,
      providedAmountType: hasSource ? 'SOURCE' : 'TARGET',
      rate,
      fee,
      payOut: typeof body.payOut === 'string' ? body.payOut : 'BANK_TRANSFER',
      preferredPayIn: typeof body.preferredPayIn === 'string' ? body.preferredPayIn : null,
      targetAccount: typeof body.targetAccount === 'number' ? body.targetAccount : null,
      paymentMetadata: body.paymentMetadata ?? null,
      createdTime: isoSeconds(created),
      expirationTime: isoSeconds(new Date(created.getTime() + QUOTE_LIFETIME_MS)),
      status: 'PENDING',
    };
    sim.state.quotes[quote.id] = quote;
    sim.changed();
    res.json(quoteJson(sim, quote));
  });

  router.get('/v3/profiles/:profileId/quotes/:quoteId', (req, res) => {
    const user = requireUser(res);
    if (!user || !ownProfile(req, res, user)) return;
    const quote = ownQuote(res, user, String(req.params.quoteId));
    if (!quote) return;
    if (quote.profileId !== Number(req.params.profileId)) return notFound(res, 'Quote');
    res.json(quoteJson(sim, quote));
  });

  router.patch('/v3/profiles/:profileId/quotes/:quoteId', json, (req, res) => {
    const user = requireUser(res);
    if (!user || !requireJson(req, res, 'application/merge-patch+json')) return;
    if (!ownProfile(req, res, user)) return;
    const quote = ownQuote(res, user, String(req.params.quoteId));
    if (!quote) return;
    const body = (req.body ?? {}) as Record<string, any>;
    if (quoteStatus(sim, quote) !== 'PENDING') {
      return validationError(res, 422, [{ code: 'QUOTE_NOT_PENDING', message: `The quote is ${quoteStatus(sim, quote).toLowerCase()} and cannot be changed.`, path: 'quote', arguments: [quote.id] }]);
    }
    if (body.targetAccount !== undefined) {
      const recipient = sim.state.recipients[Number(body.targetAccount)];
      if (!recipient || recipient.userId !== user.id || !recipient.active) {
        return validationError(res, 422, [{ code: 'NOT_VALID', message: 'Unknown recipient.', path: 'targetAccount', arguments: [String(body.targetAccount)] }]);
      }
      if (recipient.currency !== quote.targetCurrency) {
        return validationError(res, 422, [{ code: 'NOT_VALID', message: 'The recipient does not take the quote\'s target currency.', path: 'targetAccount', arguments: [String(body.targetAccount)] }]);
      }
      quote.targetAccount = recipient.id;
      // A SWIFT recipient changes the payout method, as at Wise.
      if (recipient.type === 'swift_code') quote.payOut = 'SWIFT';
    }
    if (typeof body.payOut === 'string') quote.payOut = body.payOut;
    if (body.paymentMetadata !== undefined) quote.paymentMetadata = body.paymentMetadata;
    sim.changed();
    res.json(quoteJson(sim, quote));
  });

  // ---- Account requirements and recipients ------------------------------------------------------

  const requirementsFor = (req: Request, res: Response, details: Record<string, unknown>) => {
    const user = requireUser(res);
    if (!user) return;
    const quote = ownQuote(res, user, String(req.params.quoteId));
    if (!quote) return;
    const minorVersion1 = req.header('Accept-Minor-Version') === '1';
    res.json(requirementsJson(accountRequirements(quote.targetCurrency, { minorVersion1, details })));
  };
  router.get('/v1/quotes/:quoteId/account-requirements', (req, res) => requirementsFor(req, res, {}));
  router.post('/v1/quotes/:quoteId/account-requirements', json, (req, res) => {
    if (!requireJson(req, res)) return;
    const body = (req.body ?? {}) as Record<string, any>;
    requirementsFor(req, res, body.details && typeof body.details === 'object' ? body.details : {});
  });

  // The route-only variant (no quote): same form, for a source, target and amount.
  const routeRequirements = (req: Request, res: Response, details: Record<string, unknown>) => {
    if (!requireUser(res)) return;
    const { source, target, sourceAmount } = req.query as Record<string, string | undefined>;
    const errors: FieldError[] = [];
    if (!source || !isSupportedCurrency(source)) errors.push({ code: 'CurrencyCode', message: "That wasn't a valid ISO-4217 currency code (like GBP, USD or EUR).", path: 'source', arguments: [] });
    if (!target || !isSupportedCurrency(target)) errors.push({ code: 'CurrencyCode', message: "That wasn't a valid ISO-4217 currency code (like GBP, USD or EUR).", path: 'target', arguments: [] });
    if (sourceAmount !== undefined && !(Number(sourceAmount) > 0)) errors.push({ code: 'NOT_VALID', message: 'sourceAmount must be positive', path: 'sourceAmount', arguments: [] });
    if (errors.length) return validationError(res, 400, errors);
    const minorVersion1 = req.header('Accept-Minor-Version') === '1';
    res.json(requirementsJson(accountRequirements(target!, { minorVersion1, details })));
  };
  router.get('/v1/account-requirements', (req, res) => routeRequirements(req, res, {}));
  router.post('/v1/account-requirements', json, (req, res) => {
    if (!requireJson(req, res)) return;
    const body = (req.body ?? {}) as Record<string, any>;
    routeRequirements(req, res, body.details && typeof body.details === 'object' ? body.details : {});
  });

  router.post('/v1/accounts', json, (req, res) => {
    const user = requireUser(res);
    if (!user || !requireJson(req, res)) return;
    const body = (req.body ?? {}) as Record<string, any>;
    const errors: FieldError[] = [];
    if (!isSupportedCurrency(body.currency)) errors.push({ code: 'CurrencyCode', message: "That wasn't a valid ISO-4217 currency code (like GBP, USD or EUR).", path: 'currency', arguments: [String(body.currency)] });
    if (typeof body.type !== 'string' || !body.type) errors.push({ code: 'NotNull', message: 'type must not be null', path: 'type', arguments: ['type'] });
    if (body.details === undefined || typeof body.details !== 'object' || body.details === null) errors.push({ code: 'NotNull', message: 'details must not be null', path: 'details', arguments: ['details'] });
    if (errors.length) return validationError(res, 400, errors, true);
    const profileId = body.profile ?? req.query.profileId ?? personalProfileOf(sim.state, user.id)?.id;
    const profile = ownProfile(req, res, user, profileId);
    if (!profile) return;
    const details = body.details as Record<string, unknown>;
    const accountHolderName = body.accountHolderName ?? details.accountHolderName;
    const fieldErrors = validateRecipient({ currency: body.currency, type: body.type, accountHolderName, details });
    if (fieldErrors.length) return validationError(res, 400, fieldErrors, true);
    const recipient: SimRecipient = {
      id: nextId(sim.state, 'recipient'),
      userId: user.id,
      profileId: profile.id,
      currency: body.currency,
      type: body.type,
      accountHolderName: String(accountHolderName ?? details.email ?? '').trim(),
      legalType: details.legalType === 'BUSINESS' ? 'BUSINESS' : 'PRIVATE',
      ownedByCustomer: body.ownedByCustomer === true,
      details: Object.fromEntries(Object.entries(details).filter(([k]) => k !== 'accountHolderName')),
      country: null,
      active: true,
      createdAt: new Date().toISOString(),
    };
    sim.state.recipients[recipient.id] = recipient;
    sim.changed();
    res.json(recipientJson(recipient));
  });

  const ownRecipient = (res: Response, user: SimUser, id: unknown) => owned(res, sim.state.recipients[Number(id)], user.id, 'Recipient');

  router.get('/v2/accounts', (req, res) => {
    const user = requireUser(res);
    if (!user) return;
    const q = req.query as Record<string, string | undefined>;
    const profileId = q.profileId ? Number(q.profileId) : personalProfileOf(sim.state, user.id)?.id;
    if (q.profileId && !ownProfile(req, res, user, q.profileId)) return;
    const size = Math.min(Math.max(Number(q.size ?? 20) || 20, 1), 20);
    const [sortField, sortDir] = (q.sort ?? 'id,asc').split(',');
    const currencies = q.currency?.split(',');
    const types = q.type?.split(',');
    const active = q.active === undefined ? true : q.active === 'true';
    const all = Object.values(sim.state.recipients)
      .filter((r) => r.userId === user.id && r.profileId === profileId && r.active === active)
      .filter((r) => !currencies || currencies.includes(r.currency))
      .filter((r) => !types || types.includes(r.type) || types.includes(pascal(r.type)))
      .sort((a, b) => {
        const primary = sortField === 'currency' ? a.currency.localeCompare(b.currency) : a.id - b.id;
        return (sortDir === 'desc' ? -1 : 1) * (primary || a.id - b.id);
      });
    const start = q.seekPosition ? all.findIndex((r) => r.id === Number(q.seekPosition)) : 0;
    const page = start < 0 ? [] : all.slice(start, start + size);
    const next = start < 0 ? undefined : all[start + size];
    res.json({
      content: page.map(recipientJson),
      ...(next ? { seekPositionForNext: next.id } : {}),
      ...(page.length ? { seekPositionForCurrent: page[0].id } : {}),
      sort: { empty: false, sorted: true, unsorted: false },
      size: page.length,
    });
  });

  router.get('/v2/accounts/:accountId', (req, res) => {
    const user = requireUser(res);
    if (!user) return;
    const recipient = ownRecipient(res, user, req.params.accountId);
    if (recipient) res.json(recipientJson(recipient));
  });

  router.delete('/v2/accounts/:accountId', (req, res) => {
    const user = requireUser(res);
    if (!user) return;
    const recipient = ownRecipient(res, user, req.params.accountId);
    if (!recipient) return;
    if (!recipient.active) return forbidden(res);
    recipient.active = false;
    sim.changed();
    res.json(recipientJson(recipient));
  });

  // ---- Transfers -----------------------------------------------------------------------------

  const checkTransferBody = (res: Response, user: SimUser, body: Record<string, any>) => {
    const errors: FieldError[] = [];
    if (typeof body.quoteUuid !== 'string') errors.push({ code: 'NotNull', message: 'quoteUuid must not be null', path: 'quoteUuid', arguments: ['quoteUuid'] });
    if (typeof body.targetAccount !== 'number') errors.push({ code: 'NotNull', message: 'targetAccount must not be null', path: 'targetAccount', arguments: ['targetAccount'] });
    if (errors.length) {
      validationError(res, 400, errors);
      return undefined;
    }
    const quote = ownQuote(res, user, body.quoteUuid);
    if (!quote) return undefined;
    const recipient = sim.state.recipients[body.targetAccount];
    if (!recipient || recipient.userId !== user.id || !recipient.active) {
      validationError(res, 422, [{ code: 'NOT_VALID', message: 'Unknown or inactive recipient.', path: 'targetAccount', arguments: [String(body.targetAccount)] }]);
      return undefined;
    }
    if (recipient.currency !== quote.targetCurrency) {
      validationError(res, 422, [{ code: 'NOT_VALID', message: "The recipient's currency differs from the quote's target currency.", path: 'targetAccount', arguments: [String(body.targetAccount)] }]);
      return undefined;
    }
    return { quote, recipient };
  };

  router.post('/v1/transfer-requirements', json, (req, res) => {
    const user = requireUser(res);
    if (!user || !requireJson(req, res)) return;
    const body = (req.body ?? {}) as Record<string, any>;
    const checked = checkTransferBody(res, user, body);
    if (!checked) return;
    const details = body.details && typeof body.details === 'object' ? body.details : {};
    res.json(requirementsJson(transferRequirements(checked.quote, details, toUsd(checked.quote.sourceAmount, checked.quote.sourceCurrency)) as RequirementType[]).map(({ title: _t, ...rest }) => rest));
  });

  router.post('/v1/transfers', json, (req, res) => {
    const user = requireUser(res);
    if (!user || !requireJson(req, res)) return;
    const body = (req.body ?? {}) as Record<string, any>;
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (typeof body.customerTransactionId !== 'string' || !uuid.test(body.customerTransactionId)) {
      return validationError(res, 400, [{ code: 'NOT_VALID', message: 'customerTransactionId must be a UUID', path: 'customerTransactionId', arguments: [String(body.customerTransactionId)] }]);
    }
    // A repeat (same customerTransactionId) is the same transfer, never a second one.
    const repeat = Object.values(sim.state.transfers).find((t) => t.userId === user.id && t.customerTransactionId === body.customerTransactionId);
    if (repeat) return res.json(transferJson(repeat));
    const checked = checkTransferBody(res, user, body);
    if (!checked) return;
    const { quote, recipient } = checked;
    const status = quoteStatus(sim, quote);
    if (status === 'EXPIRED') {
      return validationError(res, 422, [{ code: 'QUOTE_EXPIRED', message: 'This quote has expired. Please create a new one.', path: 'quoteUuid', arguments: [quote.id] }]);
    }
    if (status !== 'PENDING') {
      return validationError(res, 409, [{ code: 'QUOTE_ALREADY_USED', message: 'A transfer already exists for this quote.', path: 'quoteUuid', arguments: [quote.id] }]);
    }
    const details = body.details && typeof body.details === 'object' ? body.details : {};
    const detailErrors = validateTransferDetails(quote, details, toUsd(quote.sourceAmount, quote.sourceCurrency));
    if (detailErrors.length) return validationError(res, 400, detailErrors);
    const created = sim.clock.now();
    const transfer: SimTransfer = {
      id: nextId(sim.state, 'transfer'),
      userId: user.id,
      profileId: quote.profileId,
      targetAccount: recipient.id,
      sourceAccount: typeof body.sourceAccount === 'number' ? body.sourceAccount : null,
      quoteUuid: quote.id,
      customerTransactionId: body.customerTransactionId,
      status: 'incoming_payment_waiting',
      reference: String(details.reference ?? ''),
      details,
      rate: quote.rate,
      sourceCurrency: quote.sourceCurrency,
      sourceValue: quote.sourceAmount,
      targetCurrency: quote.targetCurrency,
      targetValue: quote.targetAmount,
      created: transferTimestamp(created),
      funded: false,
      balanceTransactionId: null,
      history: [{ state: 'incoming_payment_waiting', at: created.toISOString() }],
    };
    sim.state.transfers[transfer.id] = transfer;
    quote.status = 'ACCEPTED';
    quote.targetAccount = recipient.id;
    sim.changed();
    dispatcher.emit('transfers#state-change', transfer.profileId, {
      resource: { type: 'transfer', id: transfer.id, profile_id: transfer.profileId, account_id: transfer.targetAccount },
      current_state: transfer.status,
      previous_state: null,
      occurred_at: isoSeconds(created),
    });
    res.json(transferJson(transfer));
  });

  router.get('/v1/transfers', (req, res) => {
    const user = requireUser(res);
    if (!user) return;
    const q = req.query as Record<string, string | undefined>;
    const profileId = q.profile ? Number(q.profile) : personalProfileOf(sim.state, user.id)?.id;
    if (q.profile && !ownProfile(req, res, user, q.profile)) return;
    const statuses = q.status?.split(',');
    const start = q.createdDateStart ? Date.parse(q.createdDateStart) : -Infinity;
    const end = q.createdDateEnd ? Date.parse(q.createdDateEnd.length === 10 ? `${q.createdDateEnd}T23:59:59.999Z` : q.createdDateEnd) : Infinity;
    const limit = Math.min(Number(q.limit ?? 100) || 100, 1000);
    const offset = Number(q.offset ?? 0) || 0;
    const items = Object.values(sim.state.transfers)
      .filter((t) => t.userId === user.id && t.profileId === profileId)
      .filter((t) => !statuses || statuses.includes(t.status))
      .filter((t) => q.sourceCurrency === undefined || t.sourceCurrency === q.sourceCurrency)
      .filter((t) => q.targetCurrency === undefined || t.targetCurrency === q.targetCurrency)
      .filter((t) => {
        const created = Date.parse(`${t.created.replace(' ', 'T')}Z`);
        return created >= start && created <= end;
      })
      .sort((a, b) => b.id - a.id);
    res.json(items.slice(offset, offset + limit).map(transferJson));
  });

  router.get('/v1/transfers/:transferId', (req, res) => {
    const user = requireUser(res);
    if (!user) return;
    const transfer = ownTransfer(res, user, req.params.transferId);
    if (transfer) res.json(transferJson(transfer));
  });

  router.put('/v1/transfers/:transferId/cancel', (req, res) => {
    const user = requireUser(res);
    if (!user) return;
    const transfer = ownTransfer(res, user, req.params.transferId);
    if (!transfer) return;
    if (transfer.status === 'cancelled') return res.json(transferJson(transfer));
    if (!isCancellable(transfer.status)) {
      return validationError(res, 409, [{ code: 'transfer.cancellation.not.allowed', message: 'This transfer can no longer be cancelled.', path: 'status', arguments: [transfer.status] }]);
    }
    moveTransfer(transfer, 'cancelled');
    res.json(transferJson(transfer));
  });

  router.post('/v3/profiles/:profileId/transfers/:transferId/payments', json, (req, res) => {
    const user = requireUser(res);
    if (!user || !requireJson(req, res)) return;
    const profile = ownProfile(req, res, user);
    if (!profile) return;
    const transfer = ownTransfer(res, user, req.params.transferId);
    if (!transfer) return;
    if (transfer.profileId !== profile.id) return notFound(res, 'Transfer');
    const type = (req.body ?? {}).type;
    if (type !== 'BALANCE') {
      return validationError(res, 400, [{ code: 'NOT_VALID', message: 'Only BALANCE funding is available to this application.', path: 'type', arguments: [String(type)] }]);
    }
    if (profile.scaRequired && !passesSca(req, res, user)) return;
    // Funding twice is the same payment (a retry after a lost response must not pay again).
    if (transfer.funded) {
      return res.json({ type: 'BALANCE', status: 'COMPLETED', errorCode: null, errorMessage: null, balanceTransactionId: transfer.balanceTransactionId });
    }
    if (transfer.status !== 'incoming_payment_waiting') {
      return res.json({ type: 'BALANCE', status: 'REJECTED', errorCode: 'transfer.invalid_state', errorMessage: `The transfer is ${transfer.status}.`, balanceTransactionId: null });
    }
    const balance = balanceOf(profile.id, transfer.sourceCurrency);
    if (!balance || balance.amount < transfer.sourceValue) {
      return res.json({ type: 'BALANCE', status: 'REJECTED', errorCode: 'transfer.insufficient_funds', errorMessage: 'Not enough money in the balance.', balanceTransactionId: null });
    }
    balance.amount = round(balance.amount - transfer.sourceValue, transfer.sourceCurrency);
    balance.updatedAt = new Date().toISOString();
    transfer.funded = true;
    transfer.balanceTransactionId = nextId(sim.state, 'balanceTransaction');
    const quote = sim.state.quotes[transfer.quoteUuid];
    if (quote) quote.status = 'FUNDED';
    moveTransfer(transfer, 'processing');
    res.json({ type: 'BALANCE', status: 'COMPLETED', errorCode: null, errorMessage: null, balanceTransactionId: transfer.balanceTransactionId });
  });

  /**
   * SCA (auth.md §6.1): without an approval the call gets 403 with a one-time token; the retry
   * carries it with its RSA-SHA256 signature by the partner's registered key.
   */
  const passesSca = (req: Request, res: Response, user: SimUser): boolean => {
    const ott = req.header('x-2fa-approval');
    const signature = req.header('X-Signature');
    const known = ott ? sim.state.oneTimeTokens[ott] : undefined;
    const key = sim.scaPublicKeyPem;
    if (known && !known.used && known.userId === user.id && known.expiresAt > sim.clock.nowMs() && signature && key) {
      const valid = verifyRsaSha256(ott!, signature, key);
      if (valid) {
        known.used = true;
        res.setHeader('x-2fa-approval-result', 'APPROVED');
        return true;
      }
    }
    const token = randomUUID();
    sim.state.oneTimeTokens[token] = { token, userId: user.id, expiresAt: sim.clock.nowMs() + 3600_000, used: false };
    res.setHeader('x-2fa-approval', token);
    res.setHeader('x-2fa-approval-result', 'REJECTED');
    forbidden(res);
    return false;
  };

  // ---- Balances and sandbox simulation -----------------------------------------------------------

  router.get('/v4/profiles/:profileId/balances', (req, res) => {
    const user = requireUser(res);
    if (!user) return;
    const profile = ownProfile(req, res, user);
    if (!profile) return;
    res.json(
      Object.values(sim.state.balances)
        .filter((b) => b.profileId === profile.id)
        .map((b) => {
          const money = { value: b.amount, currency: b.currency };
          return {
            id: b.id,
            currency: b.currency,
            type: 'STANDARD',
            name: null,
            icon: null,
            investmentState: 'NOT_INVESTED',
            amount: money,
            reservedAmount: { value: 0, currency: b.currency },
            cashAmount: money,
            totalWorth: money,
            creationTime: b.createdAt,
            modificationTime: b.updatedAt,
            visible: true,
          };
        }),
    );
  });

  router.post('/v1/simulation/balance/topup', json, (req, res) => {
    const user = requireUser(res);
    if (!user || !requireJson(req, res)) return;
    const body = (req.body ?? {}) as Record<string, any>;
    const profile = ownProfile(req, res, user, body.profileId);
    if (!profile) return;
    const balance = sim.state.balances[Number(body.balanceId)];
    if (!balance || balance.profileId !== profile.id) return notFound(res, 'Balance');
    if (balance.currency !== body.currency || typeof body.amount !== 'number' || body.amount <= 0) {
      return validationError(res, 400, [{ code: 'NOT_VALID', message: 'currency must equal the balance currency and amount must be positive', path: 'amount', arguments: [] }]);
    }
    balance.amount = round(balance.amount + body.amount, balance.currency);
    balance.updatedAt = new Date().toISOString();
    sim.changed();
    res.json({ transactionId: nextId(sim.state, 'balanceTransaction'), state: 'COMPLETED', balancesAfter: [{ id: balance.id, value: balance.amount, currency: balance.currency }] });
  });

  router.get('/v1/simulation/transfers/:transferId/:status', (req, res) => {
    const user = requireUser(res);
    if (!user) return;
    const transfer = ownTransfer(res, user, req.params.transferId);
    if (!transfer) return;
    const target = String(req.params.status);
    const from = simulatedFrom(target);
    if (!from) return notFound(res, 'Simulation');
    const profile = sim.state.profiles[transfer.profileId];
    // Wise answers these with 200 and an error body, leaving the state as it was.
    const wrongStatus = (message: string) => res.json({ errors: [{ arguments: [], code: 'wrong_status', message }] });
    if (!transfer.funded) return wrongStatus('Transfer must be funded before its state can be simulated.');
    if (!from.includes(transfer.status)) return wrongStatus(`Transfer is ${transfer.status}; ${target} must follow ${from.join(' or ')}.`);
    if (target !== 'processing' && !profile?.verified) {
      return wrongStatus('Transfer processing is suspended due to one or more payment processing issues, please ensure profile is verified and consult the relevant regional guide in the API documentation.');
    }
    if (transfer.status !== target) {
      if (target === 'funds_refunded') {
        const balance = balanceOf(transfer.profileId, transfer.sourceCurrency);
        if (balance) balance.amount = round(balance.amount + transfer.sourceValue, transfer.sourceCurrency);
      }
      moveTransfer(transfer, target);
    }
    res.json(transferJson(transfer));
  });

}
