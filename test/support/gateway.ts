/**
 * Starts the real gateway (src/gateway.ts, exactly what `npm start` runs) on a fresh database
 * and a free port, with helpers to call it as a bank frontend would.
 */
import { loadConfig } from '../../src/config.js';
import { startGateway, type Gateway, type GatewayOptions } from '../../src/gateway.js';
import { mintCustomerToken } from '../../src/http/auth.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase } from './database.js';

export const TEST_JWT_SECRET = 'test-secret-for-bank-customer-tokens-0123456789abcdef';

export type TestGateway = Gateway & {
  databaseUrl: string;
  token(customerId: string, expiresIn?: string | number): Promise<string>;
  graphql<T = any>(
    query: string,
    options?: { variables?: Record<string, unknown>; token?: string | null; customerId?: string },
  ): Promise<{ status: number; body: { data?: T; errors?: { message: string; extensions?: Record<string, any> }[] } }>;
};

export async function startTestGateway(env: Record<string, string> = {}, options: { databaseUrl?: string; gateway?: GatewayOptions } = {}): Promise<TestGateway> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    SEED_DEMO_DATA: 'true',
    SIMULATOR_PORT: '0',
    SIMULATOR_WEBHOOK_RETRY_BASE_MS: '200',
    ...env,
  });
  const gateway = await startGateway(config, createLogger(config.logLevel), options.gateway);
  const token = (customerId: string, expiresIn: string | number = '1h') =>
    mintCustomerToken(TEST_JWT_SECRET, customerId, { expiresIn });
  return {
    ...gateway,
    databaseUrl,
    token,
    async graphql(query, options = {}) {
      const bearer = options.token === undefined ? await token(options.customerId ?? 'cust-alice') : options.token;
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
        body: JSON.stringify({ query, variables: options.variables }),
      });
      return { status: response.status, body: await response.json() };
    },
  };
}
