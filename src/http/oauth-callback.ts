/**
 * `GET /oauth/callback`: where Wise sends the browser after the authorization page. The state
 * alone says which customer this is (the browser carries no bank token here); the outcome goes
 * back to the bank's frontend as query parameters, never the code or a token.
 */
import type { Express, Request, Response } from 'express';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../db/orm.js';
import type { Logger } from '../logger.js';
import type { CustomerDirectory } from '../ports/customer-directory.js';
import type { OnboardingService } from '../services/onboarding.js';
import { nameRouteForTraces } from '../ops/edge-sampling.js';

export function mountOAuthCallback(
  app: Express,
  deps: { orm: Orm; onboarding: OnboardingService; directoryFor: (em: EntityManager) => CustomerDirectory; frontendUrl: () => string; logger: Logger },
): void {
  nameRouteForTraces('/oauth/callback');
  app.get('/oauth/callback', async (req: Request, res: Response) => {
    const q = req.query as Record<string, string | undefined>;
    const target = new URL(deps.frontendUrl());
    if (typeof q.state !== 'string' || !q.state) {
      target.searchParams.set('outcome', 'rejected');
      target.searchParams.set('reason', 'INVALID_STATE');
      return res.redirect(302, target.toString());
    }
    const em = deps.orm.em.fork();
    const directory = deps.directoryFor(em);
    try {
      const result = await deps.onboarding.completeLink(
        em,
        {
          customerId: null,
          state: q.state,
          code: q.code ?? null,
          profileId: q.profileId && /^\d+$/.test(q.profileId) ? Number(q.profileId) : null,
          error: q.error ?? null,
          errorDescription: q.error_description ?? null,
        },
        async (id) => (await directory.findByIds([id]))[0],
      );
      if (result.kind === 'completed') {
        target.searchParams.set('outcome', 'linked');
        target.searchParams.set('state', result.status.state);
      } else {
        target.searchParams.set('outcome', 'rejected');
        target.searchParams.set('reason', result.reason);
      }
    } catch (error) {
      deps.logger.error({ err: error }, 'completing a Wise link failed');
      target.searchParams.set('outcome', 'error');
      target.searchParams.set('reason', 'UPSTREAM_UNAVAILABLE');
    }
    res.set('Cache-Control', 'no-store').redirect(302, target.toString());
  });

  /** A plain page for when the bank has not configured FRONTEND_URL (demos, GraphiQL users). */
  nameRouteForTraces('/onboarding/result');
  app.get('/onboarding/result', (req: Request, res: Response) => {
    const q = req.query as Record<string, string | undefined>;
    const outcome = q.outcome === 'linked' ? 'Your Wise account is connected.' : q.outcome === 'rejected' ? `Connecting your Wise account did not work (${escape(q.reason ?? 'unknown')}).` : 'Something went wrong. Try again later.';
    res
      .type('html')
      .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Wise</title></head><body><h1 id="outcome" data-outcome="${escape(q.outcome ?? '')}" data-reason="${escape(q.reason ?? '')}">${outcome}</h1><p>You can close this page.</p></body></html>`);
  });
}

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
