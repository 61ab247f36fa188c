/**
 * Controls for tests and demos, under `/__simulator/` — a prefix no Wise path can have. They
 * inject latency and faults, play the edge cases of Wise's guides, and show what was received
 * and delivered. None of them needs a token: the simulator is for loopback and CI only.
 */
import express, { type Router } from 'express';
import type { Fault, SimulatorCore } from '../core.js';
import { addSelfRegisteredUser, findUserByEmail, nextId, profilesOf, type SimUser } from '../state.js';
import { revokeAllTokens } from '../tokens.js';
import type { WebhookDispatcher } from '../webhooks.js';
import { createProfileRecord, profileJson } from './profiles.js';
import { userJson } from './users.js';
import { setVerified } from './verification.js';
import { ISO3, STATES_BY_COUNTRY } from '../countries.js';
import { transferJson } from './money.js';
import { isSimTransferState, SIM_TRANSFER_STATE_NAMES } from '../transfer-states.js';

export const CONTROL_PREFIX = '/__simulator';

const FAULT_KINDS = new Set<Fault['kind']>(['status', 'rate_limit', 'timeout', 'drop', 'lose_response', 'delay_response', 'delay_request']);

export function controlRoutes(sim: SimulatorCore, dispatcher: WebhookDispatcher, router: Router): void {
  const json = express.json();
  const bad = (res: express.Response, message: string) => res.status(400).json({ error: message });
  const userOr404 = (res: express.Response, id: unknown): SimUser | undefined => {
    const user = sim.state.users[Number(id)];
    if (!user) res.status(404).json({ error: `no user ${String(id)}` });
    return user;
  };

  router.get(`${CONTROL_PREFIX}/webhook-public-key`, (_req, res) => {
    res.type('application/x-pem-file').send(sim.publicKeyPem);
  });

  router.post(`${CONTROL_PREFIX}/latency`, json, (req, res) => {
    const ms = Number(req.body?.ms);
    if (!Number.isFinite(ms) || ms < 0 || ms > 60_000) return bad(res, 'ms must be between 0 and 60000');
    sim.latencyMs = ms;
    res.json({ latencyMs: sim.latencyMs });
  });

  router.post(`${CONTROL_PREFIX}/faults`, json, (req, res) => {
    const { method, path, count = 1, kind, status, retryAfterSeconds, delayMs } = req.body ?? {};
    if (typeof path !== 'string' || !path.startsWith('/')) return bad(res, 'path must start with /');
    if (!FAULT_KINDS.has(kind)) return bad(res, `kind must be one of ${[...FAULT_KINDS].join(', ')}`);
    if (kind === 'status' && ![500, 502, 503, 504].includes(status)) return bad(res, 'status must be 500, 502, 503 or 504');
    const fault = sim.addFault({
      method: typeof method === 'string' ? method.toUpperCase() : undefined,
      path,
      remaining: Math.max(1, Number(count) || 1),
      kind,
      status,
      retryAfterSeconds: kind === 'rate_limit' ? Number(retryAfterSeconds ?? 1) : undefined,
      delayMs: kind === 'delay_response' || kind === 'delay_request' ? Math.min(Number(delayMs ?? 5000), 60_000) : undefined,
    });
    res.status(201).json(fault);
  });

  router.get(`${CONTROL_PREFIX}/faults`, (_req, res) => res.json(sim.faults));
  router.delete(`${CONTROL_PREFIX}/faults`, (_req, res) => {
    sim.faults = [];
    res.status(204).end();
  });

  router.get(`${CONTROL_PREFIX}/calls`, (req, res) => {
    const { method, path } = req.query as Record<string, string | undefined>;
    res.json(sim.calls.filter((c) => (!method || c.method === method.toUpperCase()) && (!path || c.path === path || c.path.startsWith(path))));
  });
  router.delete(`${CONTROL_PREFIX}/calls`, (_req, res) => {
    sim.calls.length = 0;
    res.status(204).end();
  });

  router.get(`${CONTROL_PREFIX}/webhooks/deliveries`, (req, res) => {
    const { eventType } = req.query as Record<string, string | undefined>;
    res.json(dispatcher.deliveries.filter((d) => !eventType || d.eventType === eventType).map(({ body, ...rest }) => ({ ...rest, body: JSON.parse(body) })));
  });

  router.get(`${CONTROL_PREFIX}/users`, (req, res) => {
    const email = req.query.email as string | undefined;
    const users = email ? [findUserByEmail(sim.state, email)].filter(Boolean) : Object.values(sim.state.users);
    res.json(users.map((u) => ({ ...userJson(sim, u!), reclaimed: u!.reclaimed, profiles: profilesOf(sim.state, u!.id).map((p) => ({ ...profileJson(p), verified: p.verified })) })));
  });

  /** A person who already has a Wise account (logs in on the authorization page). */
  router.post(`${CONTROL_PREFIX}/users`, json, (req, res) => {
    const { email, password, profile, verified } = req.body ?? {};
    if (typeof email !== 'string' || typeof password !== 'string' || password.length < 8) return bad(res, 'email and a password of at least 8 characters are required');
    if (findUserByEmail(sim.state, email)) return res.status(409).json({ error: 'a user with this email exists' });
    const user = createSeedUser(sim, dispatcher, { email, password, profile, verified });
    res.status(201).json({ ...userJson(sim, user), profiles: profilesOf(sim.state, user.id).map(profileJson) });
  });

  /** Edge case: the person changed their email at Wise — every token is revoked. */
  router.post(`${CONTROL_PREFIX}/users/:userId/change-email`, json, (req, res) => {
    const user = userOr404(res, req.params.userId);
    if (!user) return;
    const email = req.body?.email;
    if (typeof email !== 'string' || !email.includes('@')) return bad(res, 'email is required');
    user.email = email;
    for (const p of profilesOf(sim.state, user.id)) p.email = email;
    revokeAllTokens(sim, user.id, 'email_changed');
    res.json(userJson(sim, user));
  });

  /** Edge case: the person reclaimed the account the partner created — the registration code dies. */
  router.post(`${CONTROL_PREFIX}/users/:userId/reclaim`, (req, res) => {
    const user = userOr404(res, req.params.userId);
    if (!user) return;
    user.reclaimed = true;
    revokeAllTokens(sim, user.id, 'reclaimed');
    res.json({ id: user.id, reclaimed: true });
  });

  /** Edge case: the person revoked this application's access in their Wise settings. */
  router.post(`${CONTROL_PREFIX}/users/:userId/revoke-access`, (req, res) => {
    const user = userOr404(res, req.params.userId);
    if (!user) return;
    for (const t of Object.values(sim.state.tokens)) if (t.userId === user.id && t.clientId === sim.options.clientId) t.revoked = true;
    for (const r of Object.values(sim.state.refreshTokens)) {
      if (r.userId === user.id && r.clientId === sim.options.clientId) Object.assign(r, { revoked: true, revokedBecause: 'revoked' });
    }
    sim.changed();
    res.json({ id: user.id, accessRevoked: true });
  });

  /** Expire the user's access tokens now (refresh tokens keep working). */
  router.post(`${CONTROL_PREFIX}/users/:userId/expire-tokens`, (req, res) => {
    const user = userOr404(res, req.params.userId);
    if (!user) return;
    let expired = 0;
    for (const t of Object.values(sim.state.tokens)) {
      if (t.userId === user.id && !t.revoked) {
        t.expiresAt = sim.clock.nowMs() - 1000;
        expired += 1;
      }
    }
    sim.changed();
    res.json({ expired });
  });

  router.post(`${CONTROL_PREFIX}/clock/advance`, json, (req, res) => {
    const seconds = Number(req.body?.seconds);
    if (!Number.isFinite(seconds) || seconds <= 0) return bad(res, 'seconds must be positive');
    sim.clock.advance(seconds * 1000);
    res.json({ now: sim.clock.now().toISOString() });
  });

  router.post(`${CONTROL_PREFIX}/profiles/:profileId/verification`, json, (req, res) => {
    const profile = sim.state.profiles[Number(req.params.profileId)];
    if (!profile) return res.status(404).json({ error: 'no such profile' });
    const { verified, maximumEntitledAmount } = req.body ?? {};
    if (typeof maximumEntitledAmount === 'number') profile.maximumEntitledAmount = maximumEntitledAmount;
    if (typeof verified === 'boolean') setVerified(sim, dispatcher, profile, verified);
    sim.changed();
    res.json({ id: profile.id, verified: profile.verified, maximumEntitledAmount: profile.maximumEntitledAmount });
  });

  router.post(`${CONTROL_PREFIX}/profiles/:profileId/sca`, json, (req, res) => {
    const profile = sim.state.profiles[Number(req.params.profileId)];
    if (!profile) return res.status(404).json({ error: 'no such profile' });
    profile.scaRequired = req.body?.required === true;
    sim.changed();
    res.json({ id: profile.id, scaRequired: profile.scaRequired });
  });

  router.post(`${CONTROL_PREFIX}/sca/public-key`, express.text({ type: '*/*' }), (req, res) => {
    if (typeof req.body !== 'string' || !req.body.includes('PUBLIC KEY')) return bad(res, 'send the PEM public key as the body');
    sim.scaPublicKeyPem = req.body;
    res.status(204).end();
  });

  router.post(`${CONTROL_PREFIX}/profiles/:profileId/balances`, json, (req, res) => {
    const profile = sim.state.profiles[Number(req.params.profileId)];
    if (!profile) return res.status(404).json({ error: 'no such profile' });
    const { currency, amount } = req.body ?? {};
    if (typeof currency !== 'string' || typeof amount !== 'number' || amount < 0) return bad(res, 'currency and a non-negative amount are required');
    let balance = Object.values(sim.state.balances).find((b) => b.profileId === profile.id && b.currency === currency);
    if (!balance) {
      const id = nextId(sim.state, 'balance');
      balance = sim.state.balances[id] = { id, profileId: profile.id, currency, amount: 0, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() };
    }
    balance.amount = amount;
    balance.updatedAt = new Date().toISOString();
    sim.changed();
    res.json({ id: balance.id, currency, amount });
  });

  /** Any state, including those no sandbox simulation reaches (charged_back, unknown…). */
  router.post(`${CONTROL_PREFIX}/transfers/:transferId/state`, json, (req, res) => {
    const transfer = sim.state.transfers[Number(req.params.transferId)];
    if (!transfer) return res.status(404).json({ error: 'no such transfer' });
    if (!isSimTransferState(req.body?.state)) return bad(res, `state must be one of ${SIM_TRANSFER_STATE_NAMES.join(', ')}`);
    sim.moveTransfer(transfer, req.body.state);
    res.json(transferJson(transfer));
  });

  router.post(`${CONTROL_PREFIX}/reset`, (_req, res) => {
    sim.reset();
    for (const seed of sim.options.seedUsers) createSeedUser(sim, dispatcher, seed);
    res.status(204).end();
  });
}

export function createSeedUser(
  sim: SimulatorCore,
  dispatcher: WebhookDispatcher,
  seed: { email: string; password: string; profile?: Record<string, string>; verified?: boolean },
): SimUser {
  const user = addSelfRegisteredUser(sim.state, seed.email, seed.password);
  const p = seed.profile;
  if (p) {
    const country = p.country ?? 'GB';
    const profile = createProfileRecord(sim, user, {
      type: 'PERSONAL',
      address: {
        addressFirstLine: p.firstLine ?? '1 Main Street',
        city: p.city ?? 'London',
        countryIso3Code: ISO3[country] ?? 'gbr',
        iso2: country,
        postCode: p.postCode ?? 'N1 1AA',
        stateCode: STATES_BY_COUNTRY[country]?.[0],
      },
      phoneNumber: p.phoneNumber ?? '+447700900123',
      createDetails: { firstName: p.firstName, lastName: p.lastName, dateOfBirth: p.dateOfBirth },
      personal: { firstName: p.firstName, lastName: p.lastName, preferredName: null, dateOfBirth: p.dateOfBirth },
    });
    if (seed.verified) setVerified(sim, dispatcher, profile, true);
  }
  sim.changed();
  return user;
}
