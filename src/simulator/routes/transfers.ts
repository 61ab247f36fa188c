/**
 * Transfer requirements, transfers (v1), funding (v3) with SCA, balances (v4) and the sandbox
 * simulation that moves transfers through their states.
 */
import { randomUUID } from 'node:crypto';
import { type Request, type Response, type Router } from 'express';
import { isoSeconds, transferTimestamp } from '../clock.js';
import type { SimulatorCore } from '../core.js';
import { forbidden, notFound, validationError, type FieldError } from '../errors.js';
import { round, toUsd } from '../money.js';
import { type RequirementType } from '../requirements/account-requirements.js';
import { transferRequirements, validateTransferDetails } from '../requirements/transfer-requirements.js';
import { nextId, personalProfileOf, type SimTransfer, type SimUser } from '../state.js';
import { requireUser } from '../tokens.js';
import { isCancellable, simulatedFrom } from '../transfer-states.js';
import { verifyRsaSha256 } from '../../lib/rsa-signature.js';
import type { WebhookDispatcher } from '../webhooks.js';
import type { MoneyHelpers } from './money.js';
import { quoteStatus, requirementsJson, transferJson } from './money-objects.js';

export function transferRoutes(sim: SimulatorCore, dispatcher: WebhookDispatcher, router: Router, helpers: MoneyHelpers): void {
  const { json, requireJson, ownProfile, ownQuote, ownTransfer, moveTransfer, balanceOf } = helpers;
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
