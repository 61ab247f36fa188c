/**
 * The simulator on its own, for bank teams' CI and demos:  npm run simulator
 * Configuration (all optional) — see README.md, "The Wise simulator":
 *   SIMULATOR_PORT (4010), SIMULATOR_HOST (127.0.0.1), SIMULATOR_CLIENT_ID, SIMULATOR_CLIENT_SECRET,
 *   SIMULATOR_CLIENT_KEY, SIMULATOR_REDIRECT_URIS (comma-separated), SIMULATOR_STATE_FILE
 *   (in memory when unset), SIMULATOR_WEBHOOK_RETRY_BASE_MS (1000), SIMULATOR_AUTO_VERIFY_SECONDS,
 *   SIMULATOR_WEBHOOK_KEY_FILE (PEM private key that signs webhooks; generated when unset).
 */
import { ConfigError, loadSimulatorConfig, type StandaloneSimulatorConfig } from '../config.js';
import { defaultSimulatorOptions, DEFAULT_SIMULATOR_CLIENT, startSimulator } from './server.js';

let config: StandaloneSimulatorConfig;
try {
  config = loadSimulatorConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(78); // EX_CONFIG
}
const simulator = await startSimulator(
  defaultSimulatorOptions({
    clientId: config.clientId ?? DEFAULT_SIMULATOR_CLIENT.clientId,
    clientSecret: config.clientSecret ?? DEFAULT_SIMULATOR_CLIENT.clientSecret,
    clientKey: config.clientKey ?? DEFAULT_SIMULATOR_CLIENT.clientKey,
    redirectUris: config.redirectUris,
    stateFile: config.stateFile,
    webhookRetryBaseMs: config.webhookRetryBaseMs,
    autoVerifyAfterMs: config.autoVerifySeconds ? config.autoVerifySeconds * 1000 : undefined,
    webhookPrivateKeyPem: config.webhookPrivateKeyPem,
  }),
  { host: config.host, port: config.port },
);
process.stdout.write(
  [
    `Wise Platform simulator listening at ${simulator.url}`,
    `  API base URL:        ${simulator.url}`,
    `  authorization page:  ${simulator.url}/oauth/authorize/`,
    `  controls:            ${simulator.url}/__simulator/…`,
    `  webhook public key:  ${simulator.url}/__simulator/webhook-public-key`,
    `  client id / secret:  ${simulator.core.options.clientId} / (SIMULATOR_CLIENT_SECRET)`,
    '',
  ].join('\n'),
);
const stop = () => {
  simulator.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// Started with an IPC channel (the bench): stop with the parent, however it ended.
if (process.channel) process.once('disconnect', stop);
