/**
 * Verification: the bank-transfer verification check, its sandbox simulation, and a profile
 * verified after a delay when the simulator is asked to (SIMULATOR_AUTO_VERIFY_SECONDS).
 */
import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { isoSeconds } from '../clock.js';
import type { SimulatorCore } from '../core.js';
import { isSupportedCurrency } from '../currencies.js';
import { notNull, validationError } from '../errors.js';
import { profilesOf, type SimProfile } from '../state.js';
import { reachableProfile, requireUser } from '../tokens.js';
import type { WebhookDispatcher } from '../webhooks.js';

export function setVerified(sim: SimulatorCore, dispatcher: WebhookDispatcher, profile: SimProfile, verified: boolean): void {
  if (profile.verified === verified) return;
  profile.verified = verified;
  sim.changed();
  dispatcher.emit('profiles#verification-state-change', profile.id, {
    resource: { type: 'profile', id: profile.id },
    current_state: verified ? 'verified' : 'not_verified',
    occurred_at: isoSeconds(sim.clock.now()),
  });
}

export function verificationRoutes(sim: SimulatorCore, dispatcher: WebhookDispatcher, router: Router): void {
  router.post('/v3/profiles/:profileId/verification-status/bank-transfer', (req, res) => {
    if (!requireUser(res)) return;
    const profile = reachableProfile(sim, req, res);
    if (!profile) return;
    const currencies = String(req.query.source_currencies ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    if (currencies.length === 0) return validationError(res, 400, [notNull('source_currencies')]);
    const unknown = currencies.find((c) => !isSupportedCurrency(c));
    if (unknown) {
      return validationError(res, 400, [{ code: 'CurrencyCode', message: "That wasn't a valid ISO-4217 currency code (like GBP, USD or EUR).", path: 'source_currencies', arguments: [unknown] }]);
    }
    res.json({
      routes: currencies.map((currency) => ({
        source_currency: currency,
        maximum_entitled_amount: profile.verified ? 1_000_000 : profile.maximumEntitledAmount,
        current_status: profile.verified ? 'verified' : 'not_verified',
      })),
      request_id: randomUUID(),
    });
  });

  router.post('/v1/simulation/profiles/:profileId/verifications', (req, res) => {
    const profile = reachableProfile(sim, req, res);
    if (!profile) return;
    setVerified(sim, dispatcher, profile, true);
    res.status(200).end();
  });

  router.post('/v1/simulation/verify-profile', (_req, res) => {
    const user = requireUser(res);
    if (!user) return;
    for (const profile of profilesOf(sim.state, user.id)) setVerified(sim, dispatcher, profile, true);
    res.status(200).end();
  });
}

const autoVerifyTimers = new Set<NodeJS.Timeout>();

export function scheduleAutoVerify(sim: SimulatorCore, dispatcher: WebhookDispatcher, profile: SimProfile): void {
  const after = sim.options.autoVerifyAfterMs;
  if (after === undefined) return;
  const timer = setTimeout(() => {
    autoVerifyTimers.delete(timer);
    const current = sim.state.profiles[profile.id];
    if (current) setVerified(sim, dispatcher, current, true);
  }, after);
  timer.unref();
  autoVerifyTimers.add(timer);
}

export function cancelAutoVerify(): void {
  for (const t of autoVerifyTimers) clearTimeout(t);
  autoVerifyTimers.clear();
}

