/** Quotes (v3), account requirements, recipients (v1 create, v2 read/list/delete). */
import { randomUUID } from 'node:crypto';
import { type Request, type Response, type Router } from 'express';
import { isoSeconds } from '../clock.js';
import type { SimulatorCore } from '../core.js';
import { forbidden, notFound, owned, validationError, type FieldError } from '../errors.js';
import { isSupportedCurrency } from '../currencies.js';
import { feeFor, rateOf, round } from '../money.js';
import { accountRequirements } from '../requirements/account-requirements.js';
import { validateRecipient } from '../requirements/validate.js';
import { nextId, personalProfileOf, type SimQuote, type SimRecipient, type SimUser } from '../state.js';
import { requireUser } from '../tokens.js';
import type { MoneyHelpers } from './money.js';
import { pascal, QUOTE_LIFETIME_MS, quoteJson, quoteStatus, recipientJson, requirementsJson } from './money-objects.js';

export function quoteAndRecipientRoutes(sim: SimulatorCore, router: Router, helpers: MoneyHelpers): void {
  const { json, requireJson, ownProfile, ownQuote } = helpers;
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
}
