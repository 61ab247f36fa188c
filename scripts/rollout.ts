/**
 * Rollout controls at run time — who is offered Wise, and on which currency routes. Every
 * replica reads them on each request, so a change holds everywhere at once, with no restart.
 *   npm run rollout -- show
 *   npm run rollout -- customers pilot|everyone      # offer Wise to the pilot group, or everyone
 *   npm run rollout -- pilot add|remove <customerId>…
 *   npm run rollout -- routes listed|all             # only the listed routes, or every route
 *   npm run rollout -- route add|remove GBP EUR      # source target
 * Uses DATABASE_URL, or the embedded PostgreSQL of a gateway running with `npm start`.
 */
import { ConfigError, loadConfig } from '../src/config.js';
import { embeddedDatabaseUrl } from '../src/db/embedded.js';
import { PlainDb } from '../src/db/plain.js';
import { RolloutService } from '../src/services/rollout.js';

const USAGE = 'usage: npm run rollout -- show | customers pilot|everyone | pilot add|remove <customerId>… | routes listed|all | route add|remove <SOURCE> <TARGET>';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(64); // EX_USAGE
}

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(78);
}
const db = new PlainDb(config.database.url ?? embeddedDatabaseUrl(config.database.embedded.port), { min: 0, max: 2 });
const rollout = new RolloutService(db);
const [command, action, ...rest] = process.argv.slice(2);
const currency = (value: string | undefined) => (value && /^[A-Za-z]{3}$/.test(value) ? value.toUpperCase() : fail(`not a currency code: ${value ?? '(none)'}\n${USAGE}`));

try {
  switch (command) {
    case 'show':
    case undefined:
      break;
    case 'customers':
      if (action !== 'pilot' && action !== 'everyone') fail(USAGE);
      await rollout.setCustomers(action === 'pilot' ? 'PILOT' : 'EVERYONE');
      break;
    case 'pilot':
      if ((action !== 'add' && action !== 'remove') || rest.length === 0) fail(USAGE);
      await (action === 'add' ? rollout.addPilotCustomers(rest) : rollout.removePilotCustomers(rest));
      break;
    case 'routes':
      if (action !== 'listed' && action !== 'all') fail(USAGE);
      await rollout.setRoutes(action === 'listed' ? 'LISTED' : 'ALL');
      break;
    case 'route': {
      if (action !== 'add' && action !== 'remove') fail(USAGE);
      const route = { sourceCurrency: currency(rest[0]), targetCurrency: currency(rest[1]) };
      await (action === 'add' ? rollout.addRoute(route) : rollout.removeRoute(route));
      break;
    }
    default:
      fail(USAGE);
  }
  process.stdout.write(`${JSON.stringify(await rollout.describe(), null, 2)}\n`);
} finally {
  await db.close();
}
