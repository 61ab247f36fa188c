/**
 * The per-request context, built in exactly one place for HTTP and WebSocket alike: a forked
 * EntityManager (MikroORM forbids the global one in request code), fresh DataLoaders (so
 * batching and caching never leak between requests or customers) — both made on first use —
 * and the authenticated viewer.
 */
import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../db/orm.js';
import type { PlainDb } from '../db/plain.js';
import type { Logger } from '../logger.js';
import type { Customer, CustomerDirectory } from '../ports/customer-directory.js';
import type { OnboardingService } from '../services/onboarding.js';
import type { ProfileService } from '../services/profiles.js';
import type { VerificationService } from '../services/verification.js';
import type { QuoteService } from '../services/quotes.js';
import type { RecipientService } from '../services/recipients.js';
import type { RolloutService } from '../services/rollout.js';
import type { TransferService } from '../services/transfers.js';
import { historiesByTransferId, quoteDataById, quotesById, recipientsById, type QuoteRow, type RecipientRow } from '../services/read-models.js';
import type { EventBus } from '../services/events.js';
import type { Viewer } from '../http/auth.js';
import type { Ledger } from '../ports/ledger.js';

/** The domain services, built once per process and shared by every request. */
export type Services = {
  onboarding: OnboardingService;
  profiles: ProfileService;
  verification: VerificationService;
  quotes: QuoteService;
  recipients: RecipientService;
  transfers: TransferService;
  events: EventBus;
  rollout: RolloutService;
  /** The bank's ledger port and the currencies the bank sends from: viewer.bankAccounts. */
  ledger: Ledger;
  sourceCurrencies: readonly string[];
};

export type Loaders = {
  customerById: DataLoader<string, Customer | null>;
  quoteById: DataLoader<string, QuoteRow | null>;
  quoteData: DataLoader<string, Record<string, unknown> | null>;
  recipientById: DataLoader<number, RecipientRow | null>;
  transferHistory: DataLoader<string, { state: string; occurredAt: Date }[]>;
};

// A type alias, not an interface: graphql-ws's context typing needs an indexable type.
export type GatewayContext = {
  requestId: string;
  viewer: Viewer;
  em: EntityManager;
  loaders: Loaders;
  services: Services;
  reads: PlainDb;
  /** Read from Wise instead of the local copy (X-Gateway-Cache: bypass, outside production). */
  bypassCache: boolean;
  /** Until when this request's answer stays true without a write (http/response-cache.ts). */
  freshness: Freshness;
  /**
   * The customer's read version, read before the request ran by the statement that counted it
   * against the rate limits (http/rate-limits.ts); undefined when no counter ran.
   */
  readVersionAtAdmission: string | undefined;
};

/**
 * What a resolver knows of how long its answer stays true, for a copy kept in memory:
 * the customer's read version its rows were read at (`readAt`), and when it changes by the
 * clock alone (`changesAt`: a pending quote shown as expired from its expiry on).
 * A holder object: Apollo's copy of the context shares it.
 */
export class Freshness {
  until = Number.POSITIVE_INFINITY;
  /** The earliest read version any of the answer's rows were read at. */
  version: string | undefined;
  /** A part of the answer was read with no version to go with it: the answer is not kept. */
  unversioned = false;

  readAt(version: string | null): void {
    // An empty page has no row to carry the version: nothing says what it was read at, and
    // another field of the same answer, read a moment later, may report a newer one.
    if (version === null) this.unversioned = true;
    else if (this.version === undefined || BigInt(version) < BigInt(this.version)) this.version = version;
  }

  changesAt(at: Date): void {
    this.until = Math.min(this.until, at.getTime());
  }
}

export type ContextDependencies = {
  orm: Orm;
  /** Plain pool for the hot read paths. */
  reads: PlainDb;
  logger: Logger;
  services: Services;
  /** The customer directory for a request's EntityManager: the bank's own, or the gateway's Postgres one (chosen in gateway.ts). */
  customerDirectory: (em: EntityManager) => CustomerDirectory;
};

export type ContextFactory = (viewer: Viewer, requestId: string, options?: { bypassCache?: boolean; readVersion?: string }) => GatewayContext;

export function createContextFactory(deps: ContextDependencies): ContextFactory {
  return (viewer, requestId, options = {}) => new RequestContext(deps, deps.customerDirectory, viewer, requestId, options.bypassCache ?? false, options.readVersion);
}

/**
 * The EntityManager and the DataLoaders are made when first used: most operations never touch
 * one or the other (a cached transfer page reads through `reads`; a subscription only holds its
 * context while it waits), and a forked EntityManager costs kilobytes per operation — per idle
 * subscription, too. They are getters on the prototype, not on the object: Apollo Server copies
 * the context for every operation (`Object.assign`), which runs an object's own getters — it
 * forked an EntityManager and built five DataLoaders for every cached page (seen in a CPU
 * profile) — while a prototype's getters stay where they are, on the copy too.
 */
class RequestContext implements GatewayContext {
  readonly services: Services;
  readonly reads: PlainDb;
  readonly freshness = new Freshness();
  private forked: EntityManager | undefined;
  private made: Loaders | undefined;

  constructor(
    private readonly deps: ContextDependencies,
    private readonly directoryFor: (em: EntityManager) => CustomerDirectory,
    readonly viewer: Viewer,
    readonly requestId: string,
    readonly bypassCache: boolean,
    readonly readVersionAtAdmission: string | undefined,
  ) {
    this.services = deps.services;
    this.reads = deps.reads;
  }

  get em(): EntityManager {
    return (this.forked ??= this.deps.orm.em.fork());
  }

  get loaders(): Loaders {
    const { deps } = this;
    let directory: CustomerDirectory | undefined;
    // One query per relation for a whole page, whatever its size.
    return (this.made ??= {
      customerById: new DataLoader((ids) => (directory ??= this.directoryFor(this.em)).findByIds(ids)),
      quoteById: new DataLoader((ids) => quotesById(deps.reads, ids)),
      quoteData: new DataLoader((ids) => quoteDataById(deps.reads, ids)),
      recipientById: new DataLoader((ids) => recipientsById(deps.reads, ids)),
      transferHistory: new DataLoader((ids) => historiesByTransferId(deps.reads, ids)),
    });
  }
}
