/**
 * profiles#verification-state-change: Wise says a profile is verified, or no longer is. The cached
 * routes follow it at once — not verified closes the gate — and the customer's verification and
 * onboarding status are pushed with the change that made them.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { OnboardingModel } from '../config.js';
import { ormSql } from '../db/orm.js';
import { WiseProfile, type VerificationRoute } from '../entities/WiseProfile.js';
import { appendEvents } from './events.js';
import { onboardingChanged } from './onboarding-status.js';
import { verificationChanged } from './profiles.js';
import type { WebhookDelivery, WebhookHandler, WebhookOutcome, WebhookWrites } from './webhooks.js';

export class VerificationWebhook implements WebhookHandler {
  constructor(
    private readonly deps: {
      /** How the bank onboards customers (the snapshot a verification change's onboarding event carries). */
      onboardingModel: OnboardingModel;
      /** The currencies the bank's customers send from: the routes of a profile never checked yet. */
      sourceCurrencies: string[];
    },
  ) {}

  async apply(delivery: WebhookDelivery, writes: WebhookWrites): Promise<void> {
    await writes.orm((em) => this.write(em, delivery));
  }

  private async write(em: EntityManager, { data, occurredAt }: WebhookDelivery): Promise<WebhookOutcome> {
    const profile = await em.findOne(WiseProfile, Number(data.resource?.id));
    if (!profile) return { status: 'ignored', note: 'profile not linked here', events: [] };
    const verified = data.current_state === 'verified';
    const last = profile.verificationEventAt;
    const sameSecond = last !== null && Math.floor(last.getTime() / 1000) === Math.floor(occurredAt.getTime() / 1000);
    if (last && last > occurredAt && !sameSecond) return { status: 'stale', note: 'a newer verification event was applied', events: [] };
    const current = (profile.verification ?? []).some((r) => r.status === 'verified');
    if (sameSecond && current === verified) return { status: 'stale', note: 'a verification event of the same second said the same', events: [] };
    // Not verified closes the gate now: whatever amount Wise allowed before no longer stands
    // (the next check from Wise says what it allows now). A profile whose routes were never read
    // (Wise's check could not be reached when it was linked) gets one per source currency: the
    // event speaks for the profile, so the push says what Wise said, not "not verified".
    const cached = profile.verification?.length ? profile.verification : null;
    const known = cached ?? this.deps.sourceCurrencies.map((currency) => ({ currency, status: 'not_verified' as const, maximumEntitledAmount: 0 }));
    const routes: VerificationRoute[] = known.map((r) => ({ ...r, status: verified ? 'verified' : 'not_verified', maximumEntitledAmount: verified ? r.maximumEntitledAmount : 0 }));
    profile.verification = routes;
    if (!last || occurredAt > last) profile.verificationEventAt = occurredAt;
    // With no routes cached before, the next read asks Wise for the amounts per currency; so
    // does a second event of the same second that disagrees (Wise dates to the second, so only
    // Wise can say which came last — until it does, the gate stays closed).
    if (!cached || sameSecond) {
      profile.verificationSyncedAt = null;
      if (sameSecond) profile.verification = routes.map((r) => ({ ...r, status: 'not_verified', maximumEntitledAmount: 0 }));
    }
    await em.flush();
    return {
      status: 'applied',
      events: await appendEvents(ormSql(em), [verificationChanged(profile), await onboardingChanged(em, profile.customerId, this.deps.onboardingModel)]),
    };
  }
}
