/**
 * The Wise webhook events this gateway subscribes to, each with the handler that applies it. A
 * new event type is a handler module and one entry here: the subscriptions at Wise
 * (`ensureWebhookSubscriptions`, `npm run webhooks:ensure`), what the receiver stores as pending
 * rather than ignored, and the dispatch of stored deliveries all follow from this list.
 */
import type { OnboardingModel } from '../config.js';
import type { PlainDb } from '../db/plain.js';
import type { TransferLocks } from './transfer-locks.js';
import type { TransferStates } from './transfer-states.js';
import { TransferWebhook } from './transfer-webhook.js';
import { VerificationWebhook } from './verification-webhook.js';
import type { WebhookHandler, WebhookHandlers } from './webhooks.js';

/** What the handlers are built from (the gateway's services, see gateway.ts). */
export type WebhookHandlerDeps = { states: TransferStates; locks: TransferLocks; db: PlainDb; onboardingModel: OnboardingModel; sourceCurrencies: string[] };

const HANDLERS = {
  'profiles#verification-state-change': (deps: WebhookHandlerDeps) => new VerificationWebhook({ onboardingModel: deps.onboardingModel, sourceCurrencies: deps.sourceCurrencies }),
  'transfers#state-change': (deps: WebhookHandlerDeps) => new TransferWebhook({ states: deps.states, locks: deps.locks, db: deps.db }),
} satisfies Record<string, (deps: WebhookHandlerDeps) => WebhookHandler>;

export type WiseEventType = keyof typeof HANDLERS;

/** The events the gateway subscribes to at Wise and applies. */
export const SUBSCRIBED_EVENTS = Object.keys(HANDLERS) as WiseEventType[];

/** The handlers by event type, for the webhook service's constructor. */
export function webhookHandlers(deps: WebhookHandlerDeps): WebhookHandlers {
  return Object.fromEntries(SUBSCRIBED_EVENTS.map((type) => [type, HANDLERS[type](deps)]));
}
