/**
 * The Wise simulator's settings: beside the gateway (WISE_ENV=simulator), and on its own
 * (`npm run simulator`), checked like the gateway's (exit 78 with every problem).
 */
import path from 'node:path';
import { ConfigError, type Env, list, parseEnv, port, text } from './parse.js';
import { type SectionInput, variables } from './variables.js';

/** The embedded Wise simulator, started beside the gateway when WISE_ENV=simulator. */
export type SimulatorConfig = {
  host: string;
  port: number;
  stateFile?: string;
  /** PEM private key the simulator signs webhooks with (otherwise generated, or kept in stateFile). */
  webhookPrivateKeyPem?: string;
  autoVerifySeconds?: number;
  webhookRetryBaseMs: number;
};

export function simulatorConfig({ v, mode }: SectionInput, simulated: boolean): SimulatorConfig {
  return {
    host: v.SIMULATOR_HOST ?? '127.0.0.1',
    port: v.SIMULATOR_PORT ?? 4010,
    // Kept across restarts in development (links survive `npm start` twice); in memory otherwise.
    stateFile: v.SIMULATOR_STATE_FILE
      ? path.resolve(v.SIMULATOR_STATE_FILE)
      : simulated && mode === 'development'
        ? path.resolve('.data/simulator.json')
        : undefined,
    autoVerifySeconds: v.SIMULATOR_AUTO_VERIFY_SECONDS !== undefined ? v.SIMULATOR_AUTO_VERIFY_SECONDS || undefined : mode === 'development' ? 5 : undefined,
    webhookRetryBaseMs: v.SIMULATOR_WEBHOOK_RETRY_BASE_MS ?? 1000,
    webhookPrivateKeyPem: v.SIMULATOR_WEBHOOK_KEY_FILE,
  };
}

// --- The simulator on its own (npm run simulator) ----------------------------------------------

export const simulatorVariables = {
  SIMULATOR_HOST: text(),
  SIMULATOR_PORT: port(),
  SIMULATOR_CLIENT_ID: text(),
  SIMULATOR_CLIENT_SECRET: text(),
  SIMULATOR_CLIENT_KEY: text(),
  SIMULATOR_REDIRECT_URIS: list((u) => (URL.canParse(u) ? u : undefined), 'URLs separated by commas'),
  SIMULATOR_STATE_FILE: text(),
  SIMULATOR_WEBHOOK_RETRY_BASE_MS: variables.SIMULATOR_WEBHOOK_RETRY_BASE_MS,
  SIMULATOR_AUTO_VERIFY_SECONDS: variables.SIMULATOR_AUTO_VERIFY_SECONDS,
  SIMULATOR_WEBHOOK_KEY_FILE: variables.SIMULATOR_WEBHOOK_KEY_FILE,
};

export type StandaloneSimulatorConfig = {
  host: string;
  port: number;
  clientId?: string;
  clientSecret?: string;
  clientKey?: string;
  redirectUris: string[];
  stateFile?: string;
  webhookRetryBaseMs: number;
  autoVerifySeconds?: number;
  webhookPrivateKeyPem?: string;
};

/** The standalone simulator's settings from this environment; throws ConfigError with every problem. */
export function standaloneSimulatorConfig(env: Env): StandaloneSimulatorConfig {
  const { values: v, problems } = parseEnv(simulatorVariables, env);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host: v.SIMULATOR_HOST ?? '127.0.0.1',
    port: v.SIMULATOR_PORT ?? 4010,
    clientId: v.SIMULATOR_CLIENT_ID,
    clientSecret: v.SIMULATOR_CLIENT_SECRET,
    clientKey: v.SIMULATOR_CLIENT_KEY ?? v.SIMULATOR_CLIENT_ID,
    redirectUris: v.SIMULATOR_REDIRECT_URIS ?? ['http://localhost:4000/oauth/callback'],
    stateFile: v.SIMULATOR_STATE_FILE,
    webhookRetryBaseMs: v.SIMULATOR_WEBHOOK_RETRY_BASE_MS ?? 1000,
    autoVerifySeconds: v.SIMULATOR_AUTO_VERIFY_SECONDS || undefined,
    webhookPrivateKeyPem: v.SIMULATOR_WEBHOOK_KEY_FILE,
  };
}
