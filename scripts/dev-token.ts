/**
 * Mints a bank-customer token for development:
 *   npm run token                 # for the first demo customer (cust-alice)
 *   npm run token -- cust-bob     # for another customer id
 *   npm run token -- cust-bob 1h  # with a lifetime
 * Signed with AUTH_JWT_SECRET, or the built-in development secret when that is unset.
 * Refuses to run with NODE_ENV=production.
 */
import { loadConfig } from '../src/config.js';
import { DEMO_CUSTOMERS } from '../src/dev/demo-customers.js';
import { mintCustomerToken } from '../src/http/auth.js';

const config = loadConfig();
if (config.mode === 'production') {
  process.stderr.write('npm run token is a development tool; it refuses NODE_ENV=production\n');
  process.exit(1);
}
if (!config.auth.jwtSecret) {
  process.stderr.write('AUTH_JWKS_URL is set: tokens come from the bank identity provider, not from here\n');
  process.exit(1);
}
const customerId = process.argv[2] ?? DEMO_CUSTOMERS[0].id;
const expiresIn = process.argv[3] ?? '12h';
const token = await mintCustomerToken(config.auth.jwtSecret, customerId, {
  expiresIn,
  issuer: config.auth.issuer,
  audience: config.auth.audience,
});
process.stdout.write(`${token}\n`);
