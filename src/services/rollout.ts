/**
 * Rollout controls, as Wise's going-live checklist asks: launch to a limited set of customers
 * first (a pilot group, or everyone) and a limited set of currency routes (source → target, or
 * all). The bank changes them at run time (`npm run rollout`); every replica reads them from
 * Postgres on each check, so a change holds on all of them at once, with no restart and no
 * cache to expire. Onboarding, quotes, recipients and transfers ask here first; a refusal is a
 * a GatewayError NOT_OFFERED, which the GraphQL edge answers with extensions.code NOT_OFFERED, and
 * `availability` tells a frontend beforehand what the customer may do.
 */
import type { PlainDb } from '../db/plain.js';
import { GatewayError } from '../domain/errors.js';

export type CurrencyRoute = { sourceCurrency: string; targetCurrency: string };
export type NotOfferedReason = 'CUSTOMER_NOT_IN_PILOT' | 'ROUTE_NOT_OFFERED';
export type RolloutCustomers = 'PILOT' | 'EVERYONE';
export type RolloutRoutes = 'LISTED' | 'ALL';

/** What a customer is offered now: nothing, or Wise on these routes (null: every route). */
export type Availability = { offered: false; reason: 'CUSTOMER_NOT_IN_PILOT' } | { offered: true; routes: CurrencyRoute[] | null };

/** NOT_OFFERED, with the routes the customer may use instead (null: every route; empty when not offered at all). */
function notOffered(reason: NotOfferedReason, routes: CurrencyRoute[] | null): GatewayError {
  const message = reason === 'CUSTOMER_NOT_IN_PILOT' ? 'Wise transfers are not offered to this customer yet.' : 'This currency route is not offered yet.';
  return new GatewayError('NOT_OFFERED', message, { reason, routes });
}

/** A route as far as it is known: a recipient in a currency knows only its target. */
export type RouteAsked = { sourceCurrency?: string; targetCurrency: string };

/** NOT_OFFERED unless the customer, and the route when one is asked about, is offered. */
function judge(availability: Availability, route?: RouteAsked): void {
  if (!availability.offered) throw notOffered('CUSTOMER_NOT_IN_PILOT', []);
  if (!route || availability.routes === null) return;
  const source = route.sourceCurrency?.toUpperCase();
  const target = route.targetCurrency.toUpperCase();
  const listed = availability.routes.some((r) => r.targetCurrency === target && (source === undefined || r.sourceCurrency === source));
  if (!listed) throw notOffered('ROUTE_NOT_OFFERED', availability.routes);
}

export class RolloutService {
  constructor(private readonly db: PlainDb) {}

  /** One statement: the settings, whether the customer is in the pilot, and the listed routes. */
  async availability(customerId: string): Promise<Availability> {
    return (await this.read(customerId)).availability;
  }

  /** Throws NOT_OFFERED unless the customer (and the route, when given) is offered. */
  async ensureOffered(customerId: string, route?: RouteAsked): Promise<void> {
    judge(await this.availability(customerId), route);
  }

  /** The same for the route of a stored quote of the customer's (an unknown quote is left to the caller's 404). */
  async ensureQuoteOffered(customerId: string, quoteId: string): Promise<void> {
    const { availability, quoteRoute } = await this.read(customerId, quoteId);
    judge(availability, quoteRoute);
  }

  /**
   * The statement behind both: with a quote id it also reads that quote's route (none when the
   * customer has no such quote), so createTransfer's gate is one round trip.
   */
  private async read(customerId: string, quoteId?: string): Promise<{ availability: Availability; quoteRoute?: RouteAsked }> {
    const [row] = await this.db.query<{ customers: RolloutCustomers; routes: RolloutRoutes; in_pilot: boolean; listed: CurrencyRoute[]; quote_route: RouteAsked | null }>(
      `select r.customers, r.routes,
              exists (select 1 from rollout_pilot_customer p where p.customer_id = $1) as in_pilot,
              coalesce((select json_agg(json_build_object('sourceCurrency', source_currency, 'targetCurrency', target_currency) order by source_currency, target_currency)
                          from rollout_route), '[]'::json) as listed,
              (select json_build_object('sourceCurrency', q.source_currency, 'targetCurrency', q.target_currency)
                 from quote q where q.id::text = $2::text and q.customer_id = $1) as quote_route
         from rollout r`,
      [customerId, quoteId?.toLowerCase() ?? null],
    );
    // No row: the migration's default (everyone, every route) was removed by hand; same meaning.
    if (!row) return { availability: { offered: true, routes: null } };
    const quoteRoute = row.quote_route ?? undefined;
    if (row.customers === 'PILOT' && !row.in_pilot) return { availability: { offered: false, reason: 'CUSTOMER_NOT_IN_PILOT' }, quoteRoute };
    return { availability: { offered: true, routes: row.routes === 'ALL' ? null : row.listed }, quoteRoute };
  }

  // --- Administration (scripts/rollout.ts) ------------------------------------------------

  async setCustomers(customers: RolloutCustomers): Promise<void> {
    await this.db.query('update rollout set customers = $1, updated_at = now()', [customers]);
  }

  async setRoutes(routes: RolloutRoutes): Promise<void> {
    await this.db.query('update rollout set routes = $1, updated_at = now()', [routes]);
  }

  async addPilotCustomers(customerIds: string[]): Promise<void> {
    await this.db.query('insert into rollout_pilot_customer (customer_id) select unnest($1::text[]) on conflict do nothing', [customerIds]);
  }

  async removePilotCustomers(customerIds: string[]): Promise<void> {
    await this.db.query('delete from rollout_pilot_customer where customer_id = any($1::text[])', [customerIds]);
  }

  async addRoute(route: CurrencyRoute): Promise<void> {
    await this.db.query('insert into rollout_route (source_currency, target_currency) values ($1, $2) on conflict do nothing', [route.sourceCurrency.toUpperCase(), route.targetCurrency.toUpperCase()]);
  }

  async removeRoute(route: CurrencyRoute): Promise<void> {
    await this.db.query('delete from rollout_route where source_currency = $1 and target_currency = $2', [route.sourceCurrency.toUpperCase(), route.targetCurrency.toUpperCase()]);
  }

  /** Everything, for `npm run rollout show`. */
  async describe(): Promise<{ customers: RolloutCustomers; routes: RolloutRoutes; pilotCustomers: string[]; listedRoutes: CurrencyRoute[] }> {
    const [settings] = await this.db.query<{ customers: RolloutCustomers; routes: RolloutRoutes }>('select customers, routes from rollout', []);
    const pilot = await this.db.query<{ customer_id: string }>('select customer_id from rollout_pilot_customer order by customer_id', []);
    const routes = await this.db.query<{ source_currency: string; target_currency: string }>('select source_currency, target_currency from rollout_route order by 1, 2', []);
    return {
      customers: settings?.customers ?? 'EVERYONE',
      routes: settings?.routes ?? 'ALL',
      pilotCustomers: pilot.map((p) => p.customer_id),
      listedRoutes: routes.map((r) => ({ sourceCurrency: r.source_currency, targetCurrency: r.target_currency })),
    };
  }
}
