/**
 * Assembles the gateway from a validated Config: database (embedded unless DATABASE_URL),
 * migrations, schema, HTTP + WebSocket server. `stop()` undoes it in reverse order. Used by
 * main.ts and, unchanged, by the tests — so what the tests start is what `npm start` runs.
 */
import type { Config } from './config.js';
import { EMBEDDED_DATABASE, resolveDataDir, startEmbeddedPostgres, type EmbeddedPostgresHandle } from './db/embedded.js';
import { isReady, migrate, openOrm, type Orm } from './db/orm.js';
import { PlainDb, sharedPool } from './db/plain.js';
import { seedDemoCustomers, DEMO_CUSTOMERS, DEMO_STORIES, DEMO_WISE_USERS } from './dev/demo-customers.js';
import { createAuthenticator, mintCustomerToken } from './http/auth.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CustomerDirectory, Ledger } from './ports/index.js';
import { Reconciliation } from './services/reconciliation.js';
import { TransferLocks } from './services/transfer-locks.js';
import { TransferService } from './services/transfers.js';
import { customerReadVersion } from './services/read-models.js';
import { createContextFactory, type ContextFactory, type Services } from './resolvers/context.js';
import { mountOAuthCallback } from './http/oauth-callback.js';
import { PostgresAuditSink, PostgresCustomerDirectory, PostgresLedger } from './adapters/postgres/index.js';
import type { EventBus } from './services/events.js';
import { PostgresEventBus } from './services/pg-events.js';
import { ensureWebhookSubscriptions, WebhookService } from './services/webhooks.js';
import { webhookHandlers } from './services/webhook-handlers.js';
import { advisoryLock } from './adapters/postgres/advisory-lock.js';
import { PostgresWebhookInbox } from './adapters/postgres/webhook-inbox.js';
import { jobQueueDepth } from './adapters/postgres/job-queue.js';
import { mountWebhookReceiver } from './http/webhooks.js';
import { startJobs } from './jobs/worker.js';
import { CRONTAB, enqueueStartUpJobs, gatewayTasks } from './jobs/tasks.js';
import { OnboardingService } from './services/onboarding.js';
import { ProfileService } from './services/profiles.js';
import { VerificationService } from './services/verification.js';
import { QuoteService } from './services/quotes.js';
import { RecipientService } from './services/recipients.js';
import { RolloutService } from './services/rollout.js';
import { SecretBox } from './lib/secret-box.js';
import { WiseTokens } from './services/wise-tokens.js';
import { WiseApi } from './wise/api.js';
import { WiseHttp } from './wise/http.js';
import { WiseOAuth } from './wise/oauth.js';
import { RateLimits } from './http/rate-limits.js';
import { startHttpServer, type RunningHttpServer } from './http/server.js';
import type { Logger } from './logger.js';
import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLInterfaceType, type GraphQLSchema } from 'graphql';
import { nodeTypeOf } from './schema/relay.js';
import { buildSchema } from 'type-graphql';
import { resolvers } from './resolvers/index.js';
import { defaultSimulatorOptions, startSimulator, type Simulator } from './simulator/server.js';
import { TransferSweep } from './jobs/transfer-sweep.js';
import { scaSigner } from './wise/sca-signer.js';
import { Metrics, startMetricsServer, type MetricsServer } from './ops/metrics.js';
import { registerDatabaseGauges } from './ops/database-gauges.js';
import { withJobSpans } from './ops/job-spans.js';

export type Gateway = {
  url: string;
  /** Where browsers and Wise reach the gateway (PUBLIC_URL, or the listening URL). */
  publicUrl: string;
  /** The Wise connection actually in use (simulator URLs and key filled in). */
  wise: Config['wise'];
  /** The embedded simulator, when WISE_ENV=simulator. */
  simulator?: Simulator;
  services: Services;
  tokens: WiseTokens;
  events: EventBus;
  webhooks: WebhookService;
  /** The sweep job's work, callable directly (tests move its clock). */
  transferSweep: TransferSweep;
  wiseHttp: WiseHttp;
  config: Config;
  orm: Orm;
  http: RunningHttpServer;
  /** The schema served, and the per-operation context its resolvers get (for tests that execute directly). */
  schema: GraphQLSchema;
  createContext: ContextFactory;
  /** Prometheus metrics of this gateway; `metricsServer` serves them (unless METRICS_PORT=off). */
  metrics: Metrics;
  metricsServer?: MetricsServer;
  /** Readiness answers 503 from now on (SIGTERM); requests are still served until stop(). */
  startDraining(): void;
  /** Where the data lives, for the start-up log (never the URL: it may hold a password). */
  database: string;
  stop(): Promise<void>;
};

export type GatewayOptions = {
  /** Replaces the Postgres event bus (LISTEN/NOTIFY). */
  events?: EventBus;
  /** The bank's ledger; defaults to the gateway's Postgres one (demo accounts). */
  ledger?: Ledger;
  /** The bank's view of its customers; defaults to the gateway's `bank_customer` table (demo customers). */
  customerDirectory?: CustomerDirectory;
  /**
   * false: the job queue runs no schedule (CRONTAB): nothing sweeps, reconciles or prunes every
   * minute on its own (the start-up sweep still runs once, before any work). For a test that
   * plays the schedule itself and must not race it.
   */
  schedule?: boolean;
};

export async function startGateway(config: Config, logger: Logger, options: GatewayOptions = {}): Promise<Gateway> {
  const stack: { name: string; stop: () => Promise<unknown> }[] = [];
  const stopAll = async () => {
    for (const { name, stop } of stack.reverse()) {
      logger.debug({ component: name }, 'stopping');
      await stop().catch((error: unknown) => logger.warn({ err: error, component: name }, 'error while stopping'));
    }
    stack.length = 0;
  };

  const metrics = new Metrics();
  let draining = false;
  try {
    let databaseUrl = config.database.url;
    let database = 'the PostgreSQL server at DATABASE_URL';
    if (!databaseUrl) {
      const { dataDir: requested, dataDirExplicit, port } = config.database.embedded;
      const dataDir = await resolveDataDir(requested, dataDirExplicit);
      if (dataDir !== requested) {
        logger.info({ requested, dataDir }, 'the postgres system user cannot reach the project directory; embedded data kept in the temp directory instead');
      }
      const embedded: EmbeddedPostgresHandle = await startEmbeddedPostgres({
        dataDir,
        port,
        database: EMBEDDED_DATABASE,
        logger,
      });
      stack.push({ name: 'embedded-postgres', stop: embedded.stop });
      databaseUrl = embedded.url;
      database = `embedded PostgreSQL on 127.0.0.1:${port}, data in ${dataDir}`;
    }

    let wise = config.wise;
    let simulator: Simulator | undefined;
    if (config.wise.environment === 'simulator') {
      simulator = await startSimulator(
        defaultSimulatorOptions({
          clientId: config.wise.clientId,
          clientSecret: config.wise.clientSecret,
          clientKey: config.wise.clientKey,
          stateFile: config.simulator.stateFile,
          webhookPrivateKeyPem: config.simulator.webhookPrivateKeyPem,
          webhookRetryBaseMs: config.simulator.webhookRetryBaseMs,
          autoVerifyAfterMs: config.simulator.autoVerifySeconds ? config.simulator.autoVerifySeconds * 1000 : undefined,
          seedUsers: config.seedDemoData ? DEMO_WISE_USERS : [],
        }),
        { host: config.simulator.host, port: config.simulator.port },
      );
      stack.push({ name: 'simulator', stop: simulator.stop });
      // WISE_API_URL and friends still win: a recording proxy in front of the simulator, say.
      wise = {
        ...config.wise,
        apiUrl: config.wise.apiUrl ?? simulator.url,
        authorizeUrl: config.wise.authorizeUrl ?? `${simulator.url}/oauth/authorize/`,
        webhookPublicKeyPem: config.wise.webhookPublicKeyPem ?? simulator.publicKeyPem,
      };
    }

    // Behind PgBouncer (transaction mode) DATABASE_URL is the pooled way in; LISTEN, the job
    // queue, migrations and session locks need a session of their own: DATABASE_DIRECT_URL.
    const directUrl = config.database.directUrl ?? databaseUrl;
    const pooled = config.database.directUrl !== undefined;
    const orm = await openOrm(databaseUrl, logger, { min: Math.min(2, config.database.ormPoolMax), max: config.database.ormPoolMax });
    stack.push({ name: 'orm', stop: () => orm.close(true) });
    if (config.ops.migrationsOnStart) {
      const applied = await migrate(orm, directUrl);
      if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    } else {
      // `npm run migrate` is the deployment's own step; until it ran, /readyz says what is pending.
      const pending = await orm.getMigrator().getPendingMigrations();
      if (pending.length > 0) logger.warn({ pending: pending.map((m) => m.name) }, 'MIGRATIONS_ON_START=false and migrations are pending: not ready until `npm run migrate` applies them');
    }

    if (config.seedDemoData) {
      const inserted = await seedDemoCustomers(orm.em.fork());
      if (inserted > 0) logger.info({ inserted }, 'demo customers seeded');
    }

    // The Wise client and the domain services: built once, shared by every request.
    let publicUrl = config.publicUrl;
    const redirectUri = () => `${publicUrl}/oauth/callback`;
    const audit = new PostgresAuditSink(orm, logger, 250, metrics);
    stack.push({ name: 'audit', stop: () => audit.flush() });
    // One shared pool per replica: the hot paths (transfer pages, subscription payloads,
    // applying webhooks), event publishing, rate-limit counters and, on a direct connection, the
    // job queue. No named prepared statements through PgBouncer.
    const shared = sharedPool(databaseUrl, config.database.pool);
    stack.push({ name: 'shared pool', stop: () => shared.end() });
    const plain = new PlainDb(shared, undefined, { prepared: !pooled });
    const inbox = new PostgresWebhookInbox(plain);
    registerDatabaseGauges(metrics, { plain, orm, inbox, jobQueueDepth });
    const wiseHttp = new WiseHttp({ baseUrl: wise.apiUrl!, ...config.wiseHttp, backoffCapMs: 10_000, audit, logger });
    const api = new WiseApi(wiseHttp);
    const oauth = new WiseOAuth({ apiUrl: wise.apiUrl!, clientId: wise.clientId, clientSecret: wise.clientSecret, redirectUri, timeoutMs: config.wiseHttp.timeoutMs, maxRetries: config.wiseHttp.maxRetries, audit });
    // Events cross replicas through Postgres LISTEN/NOTIFY.
    let events = options.events;
    if (!events) {
      const bus = new PostgresEventBus(directUrl, logger, shared);
      await bus.start();
      stack.push({ name: 'events', stop: () => bus.stop() });
      events = bus;
    }
    const tokens = new WiseTokens({ orm, oauth, secrets: new SecretBox(config.encryption.keyRing), events, logger, metrics });
    const profiles = new ProfileService({ api, tokens, events, sourceCurrencies: config.onboarding.sourceCurrencies, model: config.onboarding.model });
    const onboarding = new OnboardingService({
      api,
      oauth,
      tokens,
      profiles,
      events,
      logger,
      config: config.onboarding,
      wise: { authorizeUrl: wise.authorizeUrl!, clientId: wise.clientId },
      redirectUri,
    });
    const verification = new VerificationService(profiles);
    const sca = scaSigner(config.wise.scaPrivateKeyPem, simulator && ((publicKeyPem) => (simulator.core.scaPublicKeyPem = publicKeyPem)));
    // Money operations on one transfer, one at a time across replicas (a small pool of its own).
    const locks = new TransferLocks(databaseUrl, { max: config.database.lockPoolMax });
    stack.push({ name: 'transfer locks', stop: () => locks.close() });
    metrics.pool('locks', () => locks.stats());
    const transfers = new TransferService({ orm, api, tokens, verification, ledger: options.ledger ?? new PostgresLedger(), locks, events, logger, signOneTimeToken: sca });
    // Each Wise event type with its handler (services/webhook-handlers.ts).
    const webhooks = new WebhookService({
      orm,
      db: plain,
      inbox,
      events,
      logger,
      handlers: webhookHandlers({ states: transfers.states, locks, db: plain, onboardingModel: config.onboarding.model, sourceCurrencies: config.onboarding.sourceCurrencies }),
      publicKeyPem: () => wise.webhookPublicKeyPem,
      fastPath: config.jobs.enabled ? { concurrency: config.jobs.concurrency, maxQueued: 1000 } : undefined,
      metrics,
    });
    stack.push({ name: 'webhook fast path', stop: () => webhooks.drain() });
    const services: Services = {
      onboarding,
      profiles,
      verification,
      quotes: new QuoteService({ api, tokens }),
      recipients: new RecipientService({ api, tokens, sourceCurrency: config.onboarding.sourceCurrencies[0], logger }),
      transfers,
      events,
      rollout: new RolloutService(plain),
      ledger: transfers.ledger,
      sourceCurrencies: config.onboarding.sourceCurrencies,
    };

    const reconciliation = new Reconciliation({ orm, api, tokens, ledger: transfers.ledger, transfers, logger, metrics, batchSize: config.ops.reconcileBatchSize });

    const transferSweep = new TransferSweep({ orm, transfers, logger });
    const tasks = gatewayTasks({
      webhooks,
      reconciliation,
      transferSweep,
      db: plain,
      logger,
      retentionDays: { wiseCalls: config.ops.wiseCallRetentionDays, webhookInbox: config.ops.webhookInboxRetentionDays, eventLog: config.jobs.eventRetentionDays },
    });
    const jobs = await startJobs({
      databaseUrl: directUrl,
      pgPool: pooled ? undefined : shared,
      logger,
      enabled: config.jobs.enabled,
      concurrency: config.jobs.concurrency,
      // Traced: each job a trace of its own (ops/job-spans.ts).
      tasks: config.ops.tracing ? withJobSpans(tasks) : tasks,
      crontab: options.schedule === false ? undefined : CRONTAB,
    });
    stack.push({ name: 'jobs', stop: () => jobs.stop() });
    if (config.jobs.enabled) await enqueueStartUpJobs(plain);
    const bankDirectory = options.customerDirectory;
    const directoryFor = bankDirectory ? () => bankDirectory : (em: EntityManager) => new PostgresCustomerDirectory(em);

    const schema = await buildGatewaySchema();
    const createContext = createContextFactory({ orm, reads: plain, logger, services, customerDirectory: directoryFor });
    const rateLimits = new RateLimits(shared, config.limits, logger, { prepared: !pooled, readVersions: config.http.responseCacheBytes > 0 });
    const http = await startHttpServer(
      {
        schema,
        logger,
        authenticate: createAuthenticator(config.auth),
        exposeCost: config.mode !== 'production',
        createContext,
        readVersion: (customerId) => customerReadVersion(plain, customerId),
        events,
        mountRoutes: (app) => {
          mountOAuthCallback(app, { orm, onboarding, directoryFor, frontendUrl: () => config.onboarding.frontendUrl ?? defaultFrontendUrl(config, publicUrl!), logger });
          mountWebhookReceiver(app, { webhooks, logger });
        },
        // From SIGTERM on, not ready: the orchestrator stops routing here while requests finish.
        readiness: async () => (draining ? { ready: false, reason: 'shutting down' } : isReady(orm)),
        edge: { http: config.http, limits: config.limits, rateLimits },
        webAppDemoSignIn:
          config.mode !== 'production' && config.seedDemoData && config.auth.jwtSecret
            ? {
                customers: DEMO_CUSTOMERS.map((c) => ({ id: c.id, name: `${c.givenName} ${c.familyName}`, story: DEMO_STORIES[c.id] ?? '' })),
                mint: (customerId) => mintCustomerToken(config.auth.jwtSecret!, customerId, { expiresIn: '12h', issuer: config.auth.issuer, audience: config.auth.audience }),
              }
            : undefined,
        // METRICS_PORT=off: not even the per-operation bookkeeping.
        metrics: config.ops.metrics ? metrics : undefined,
        tracing: config.ops.tracing && { sampleRatio: config.ops.tracing.sampleRatio },
        graphiqlToken:
          config.auth.usingDevelopmentSecret && config.seedDemoData
            ? () => mintCustomerToken(config.auth.jwtSecret!, DEMO_CUSTOMERS[0].id, { expiresIn: '12h' })
            : undefined,
      },
      { host: config.host, port: config.port },
    );
    stack.push({ name: 'http', stop: () => http.close() });
    publicUrl ??= http.url;
    let metricsServer: MetricsServer | undefined;
    if (config.ops.metrics) {
      const served = await startMetricsServer(metrics, config.ops.metrics);
      stack.push({ name: 'metrics', stop: () => served.close() });
      metricsServer = served;
    }
    // The simulator only redirects browsers to a registered URI, as Wise does.
    simulator?.core.options.redirectUris.push(`${publicUrl}/oauth/callback`);
    if (config.webhooks.ensureSubscriptions) {
      // Not fatal: the gateway serves reads without webhooks; the log says what is missing.
      await ensureWebhookSubscriptions({
        http: wiseHttp,
        clientToken: (force) => tokens.clientAccessToken(force),
        clientKey: wise.clientKey,
        url: `${publicUrl}/webhooks/wise`,
        logger,
        serialize: advisoryLock(orm, 'wise-webhook-subscriptions'),
      }).catch((error: unknown) =>
        logger.error({ err: error }, 'could not ensure the Wise webhook subscriptions; run `npm run webhooks:ensure`'),
      );
    }

    return {
      url: http.url, publicUrl, wise, simulator, config, orm, http, metrics, metricsServer, database, services, tokens, events, webhooks, transferSweep, wiseHttp, schema, createContext,
      startDraining: () => {
        draining = true;
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Where GET /oauth/callback sends the browser when FRONTEND_URL is unset: in development the web
 * app (/app) when it is served, so `npm start` goes round the whole Wise KYC loop; otherwise the
 * gateway's own plain result page.
 */
function defaultFrontendUrl(config: Config, publicUrl: string): string {
  return config.mode === 'development' && config.http.webApp ? `${publicUrl}/app/onboarding/result` : `${publicUrl}/onboarding/result`;
}

/** The GraphQL schema: the types of src/schema/, served by the resolvers of src/resolvers/. */
export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...resolvers],
    validate: false,
    emitSchemaFile: false,
    // Every subscription brings its own `subscribe` (src/services/event-stream.ts, fed by the
    // cross-replica event bus); type-graphql's topic PubSub is never used.
    pubSub: {
      publish() {
        throw new Error('topic-based PubSub is not used; publish domain events on the EventBus');
      },
      subscribe() {
        throw new Error('topic-based PubSub is not used; subscriptions define `subscribe`');
      },
    },
  });
  // type-graphql wraps a declared resolveType in an async function; the compiled executor
  // (graphql-jit, http/executor.ts) needs the type name at once, which Node's id gives.
  (schema.getType('Node') as GraphQLInterfaceType).resolveType = nodeTypeOf;
  return schema;
}

/** The SDL written to schema.graphql, sorted so diffs show only real changes. */
export function printGatewaySchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
