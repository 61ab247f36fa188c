/**
 * The Config object, assembled from its sections: each section module (database.ts, auth.ts,
 * wise.ts, encryption.ts, ops.ts, limits.ts, http.ts, simulator.ts) holds its part of the type,
 * its defaults and the rules that cross variables; the few one-line sections are here.
 * Every problem, of any section, is reported at once.
 */
import { type AuthConfig, authConfig } from './auth.js';
import { type DatabaseConfig, databaseConfig } from './database.js';
import { type EncryptionConfig, encryptionConfig } from './encryption.js';
import { type HttpConfig, httpConfig } from './http.js';
import { type Limits, limitsConfig } from './limits.js';
import { type OpsConfig, opsConfig } from './ops.js';
import { ConfigError, type Env, parseEnv } from './parse.js';
import { type SimulatorConfig, simulatorConfig } from './simulator.js';
import { type RuntimeMode, type SectionInput, variables } from './variables.js';
import { type WiseConfig, type WiseHttpConfig, wiseConfig, wiseHttpConfig } from './wise.js';

export type OnboardingModel = 'partner_kyc' | 'wise_kyc' | 'wise_kyc_prefilled';

export type Config = {
  mode: RuntimeMode;
  host: string;
  port: number;
  /** Where browsers and Wise reach this gateway (OAuth callback, webhooks); default: the listening URL. */
  publicUrl?: string;
  logLevel: string;
  /** The browser-facing edge. */
  http: HttpConfig;
  limits: Limits;
  database: DatabaseConfig;
  auth: AuthConfig;
  wise: WiseConfig;
  /** The embedded Wise simulator, started beside the gateway when WISE_ENV=simulator. */
  simulator: SimulatorConfig;
  /** Keys that seal tokens and registration codes at rest; the first one seals new values. */
  encryption: EncryptionConfig;
  onboarding: {
    model: OnboardingModel;
    /** Where the browser goes after /oauth/callback, with ?outcome=… appended. */
    frontendUrl?: string;
    /** Currencies the bank's customers pay in: the verification gate checks these. */
    sourceCurrencies: string[];
  };
  jobs: {
    /** Run background jobs in this process (webhook apply, sweeps). Off: only enqueue. */
    enabled: boolean;
    /** Jobs run at once in this process; they mostly wait on Postgres, so more than the cores. */
    concurrency: number;
    /** Days the per-customer event log keeps events for subscriptions to resume from (daily prune). */
    eventRetentionDays: number;
  };
  webhooks: {
    /** Create the application webhook subscriptions at Wise on start-up when missing. */
    ensureSubscriptions: boolean;
  };
  /** Operating it: metrics, traces, shutdown, migrations, retention (README "Operating it"). */
  ops: OpsConfig;
  /** Timeouts and retries for calls to Wise. */
  wiseHttp: WiseHttpConfig;
  /** Seed demo customers (development only, unless asked for explicitly). */
  seedDemoData: boolean;
};

/** The gateway's configuration from this environment; throws ConfigError with every problem. */
export function buildConfig(env: Env): Config {
  const { values: v, problems } = parseEnv(variables, env);
  const mode = v.NODE_ENV ?? 'development';
  const production = mode === 'production';
  const input: SectionInput = { v, env, mode, production, problem: (message) => problems.push(message) };

  // The sections with rules, in the order their problems are reported.
  const database = databaseConfig(input);
  const auth = authConfig(input);
  const wise = wiseConfig(input);
  const encryption = encryptionConfig(input);
  const seedDemoData = v.SEED_DEMO_DATA ?? mode === 'development';
  if (production && v.SEED_DEMO_DATA) input.problem('SEED_DEMO_DATA=true is refused when NODE_ENV=production: demo customers have development tokens');
  const ops = opsConfig(input);

  if (problems.length > 0) throw new ConfigError(problems);

  const simulated = wise.environment === 'simulator';
  const publicUrl = v.PUBLIC_URL?.replace(/\/+$/, '');
  return {
    mode,
    host: v.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    port: v.PORT ?? 4000,
    publicUrl,
    logLevel: v.LOG_LEVEL ?? 'info',
    http: httpConfig(input),
    limits: limitsConfig(input),
    database,
    auth,
    wise,
    simulator: simulatorConfig(input, simulated),
    encryption,
    onboarding: { model: v.ONBOARDING_MODEL ?? 'partner_kyc', frontendUrl: v.FRONTEND_URL, sourceCurrencies: v.BANK_SOURCE_CURRENCIES ?? ['GBP', 'EUR', 'USD'] },
    jobs: { enabled: v.JOBS_ENABLED ?? true, concurrency: v.JOBS_CONCURRENCY ?? 8, eventRetentionDays: v.EVENT_LOG_RETENTION_DAYS ?? 30 },
    webhooks: { ensureSubscriptions: v.WEBHOOK_SUBSCRIPTIONS_ENSURE ?? (simulated || Boolean(publicUrl?.startsWith('https:'))) },
    ops,
    wiseHttp: wiseHttpConfig(input),
    seedDemoData,
  };
}
