/**
 * `POST /webhooks/wise`: Wise's deliveries. The body is read raw — the signature covers the
 * exact bytes — and handed to the webhook service; the answer comes as soon as the delivery is
 * stored, well inside Wise's 5 seconds.
 */
import express, { type Express } from 'express';
import type { Logger } from '../logger.js';
import type { ReceiveOutcome, WebhookService } from '../services/webhooks.js';
import { nameRouteForTraces } from '../ops/edge-sampling.js';

/** A refusal in HTTP: not signed by Wise is 401, anything else that is not a Wise delivery 400. */
const REFUSED_STATUS: Record<Extract<ReceiveOutcome, { refused: string }>['refused'], 400 | 401> = { malformed: 400, unauthenticated: 401 };

export function mountWebhookReceiver(app: Express, deps: { webhooks: WebhookService; logger: Logger }): void {
  nameRouteForTraces('/webhooks/wise');
  app.post('/webhooks/wise', express.raw({ type: () => true, limit: '256kb' }), async (req, res, next) => {
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const outcome = await deps.webhooks.receive(body, {
        'x-signature-sha256': header('x-signature-sha256'),
        'x-delivery-id': header('x-delivery-id'),
        'x-test-notification': header('x-test-notification'),
      });
      if ('refused' in outcome) {
        const status = REFUSED_STATUS[outcome.refused];
        deps.logger.warn({ status, reason: outcome.error, deliveryId: header('x-delivery-id') }, 'webhook refused');
        return res.status(status).json({ error: outcome.error });
      }
      // Stored (or a repeat of one stored): Wise stops retrying on any 2xx.
      res.status(200).json({ result: outcome.result });
    } catch (error) {
      next(error);
    }
  });
}
