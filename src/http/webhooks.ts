/**
 * `POST /webhooks/wise`: Wise's deliveries. The body is read raw — the signature covers the
 * exact bytes — and handed to the webhook service; the answer comes as soon as the delivery is
 * stored, well inside Wise's 5 seconds.
 */
import express, { type Express } from 'express';
import type { Logger } from '../logger.js';
import type { WebhookService } from '../services/webhooks.js';

export function mountWebhookReceiver(app: Express, deps: { webhooks: WebhookService; logger: Logger }): void {
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
      if (outcome.status !== 200) {
        deps.logger.warn({ status: outcome.status, reason: outcome.error, deliveryId: header('x-delivery-id') }, 'webhook refused');
        return res.status(outcome.status).json({ error: outcome.error });
      }
      res.status(200).json({ result: outcome.result });
    } catch (error) {
      next(error);
    }
  });
}
