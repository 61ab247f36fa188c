/**
 * The money flow, mounted together: quotes and recipients (quotes-and-recipients.ts), transfers,
 * funding, balances and the sandbox simulation (transfers.ts), over the helpers both share —
 * ownership checks, the JSON body parser and moving a transfer to a state (which emits its
 * webhook). Wise's JSON objects are in money-objects.ts.
 */
import express, { type Request, type Response, type Router } from 'express';
import { isoSeconds } from '../clock.js';
import type { SimulatorCore } from '../core.js';
import { owned, problem } from '../errors.js';
import { type SimProfile, type SimQuote, type SimTransfer, type SimUser } from '../state.js';
import type { WebhookDispatcher } from '../webhooks.js';
import { quoteAndRecipientRoutes } from './quotes-and-recipients.js';
import { transferRoutes } from './transfers.js';

export { quoteJson, quoteStatus, recipientJson, transferJson } from './money-objects.js';

export type MoneyHelpers = ReturnType<typeof moneyHelpers>;

function moneyHelpers(sim: SimulatorCore, dispatcher: WebhookDispatcher) {
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

  const balanceOf = (profileId: number, currency: string) =>
    Object.values(sim.state.balances).find((b) => b.profileId === profileId && b.currency === currency);

  // ---- Quotes --------------------------------------------------------------------------------
  return { json, requireJson, ownProfile, ownQuote, ownTransfer, moveTransfer, balanceOf };
}

export function moneyRoutes(sim: SimulatorCore, dispatcher: WebhookDispatcher, router: Router): void {
  const helpers = moneyHelpers(sim, dispatcher);
  sim.moveTransfer = helpers.moveTransfer;
  quoteAndRecipientRoutes(sim, router, helpers);
  transferRoutes(sim, dispatcher, router, helpers);
}
