/**
 * Creates the Wise application webhook subscriptions the gateway needs, if missing, pointing at
 * PUBLIC_URL/webhooks/wise:  PUBLIC_URL=https://gateway.bank.example npm run webhooks:ensure
 * Idempotent: run it on every deploy. (In simulator mode the gateway does this at start-up.)
 */
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { ensureWebhookSubscriptions } from '../src/services/webhooks.js';
import { WiseHttp } from '../src/wise/http.js';
import { WiseOAuth } from '../src/wise/oauth.js';

const config = loadConfig();
const logger = createLogger(config.logLevel);
if (config.wise.environment === 'simulator') {
  process.stderr.write('WISE_ENV=simulator: the gateway ensures the simulator\'s subscriptions itself at start-up\n');
  process.exit(1);
}
if (!config.publicUrl) {
  process.stderr.write('PUBLIC_URL is required: Wise delivers webhooks to PUBLIC_URL/webhooks/wise\n');
  process.exit(1);
}
const audit = { record: (entry: object) => logger.info({ wise: entry }, 'wise call') };
const http = new WiseHttp({ baseUrl: config.wise.apiUrl!, ...config.wiseHttp, backoffCapMs: 10_000, audit, logger });
const oauth = new WiseOAuth({ apiUrl: config.wise.apiUrl!, clientId: config.wise.clientId, clientSecret: config.wise.clientSecret, redirectUri: () => `${config.publicUrl}/oauth/callback`, timeoutMs: config.wiseHttp.timeoutMs, maxRetries: config.wiseHttp.maxRetries, audit });
const result = await ensureWebhookSubscriptions({
  http,
  clientToken: async () => (await oauth.clientCredentials()).accessToken,
  clientKey: config.wise.clientKey,
  url: `${config.publicUrl}/webhooks/wise`,
  logger,
});
process.stdout.write(`created: ${result.created.join(', ') || 'none'}; already there: ${result.existing.join(', ') || 'none'}\n`);
