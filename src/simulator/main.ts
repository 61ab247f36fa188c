/**
 * The simulator on its own, for bank teams' CI and demos:  npm run simulator
 * Configuration (all optional) — see README.md, "The Wise simulator":
 *   SIMULATOR_PORT (4010), SIMULATOR_HOST (127.0.0.1), SIMULATOR_CLIENT_ID, SIMULATOR_CLIENT_SECRET,
 *   SIMULATOR_CLIENT_KEY, SIMULATOR_REDIRECT_URIS (comma-separated), SIMULATOR_STATE_FILE
 *   (in memory when unset), SIMULATOR_WEBHOOK_RETRY_BASE_MS (1000), SIMULATOR_AUTO_VERIFY_SECONDS,
 *   SIMULATOR_WEBHOOK_KEY_FILE (PEM private key that signs webhooks; generated when unset).
 */
import { readFileSync } from 'node:fs';
import { defaultSimulatorOptions, DEFAULT_SIMULATOR_CLIENT, startSimulator } from './server.js';

const env = process.env;
const port = Number(env.SIMULATOR_PORT ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`SIMULATOR_PORT must be a TCP port number (got "${env.SIMULATOR_PORT}")\n`);
  process.exit(78);
}
const autoVerify = env.SIMULATOR_AUTO_VERIFY_SECONDS ? Number(env.SIMULATOR_AUTO_VERIFY_SECONDS) : undefined;
const webhookPrivateKeyPem = env.SIMULATOR_WEBHOOK_KEY_FILE ? readFileSync(env.SIMULATOR_WEBHOOK_KEY_FILE, 'utf8') : undefined;
const simulator = await startSimulator(
  defaultSimulatorOptions({
    clientId: env.SIMULATOR_CLIENT_ID ?? DEFAULT_SIMULATOR_CLIENT.clientId,
    clientSecret: env.SIMULATOR_CLIENT_SECRET ?? DEFAULT_SIMULATOR_CLIENT.clientSecret,
    clientKey: env.SIMULATOR_CLIENT_KEY ?? env.SIMULATOR_CLIENT_ID ?? DEFAULT_SIMULATOR_CLIENT.clientKey,
    redirectUris: (env.SIMULATOR_REDIRECT_URIS ?? 'http://localhost:4000/oauth/callback').split(',').map((u) => u.trim()).filter(Boolean),
    stateFile: env.SIMULATOR_STATE_FILE || undefined,
    webhookRetryBaseMs: Number(env.SIMULATOR_WEBHOOK_RETRY_BASE_MS ?? 1000),
    autoVerifyAfterMs: autoVerify ? autoVerify * 1000 : undefined,
    webhookPrivateKeyPem,
  }),
  { host: env.SIMULATOR_HOST ?? '127.0.0.1', port },
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
