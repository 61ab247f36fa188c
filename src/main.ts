/**
 * Process entry: configuration → gateway → listen; ordered shutdown on SIGINT/SIGTERM.
 */
import 'reflect-metadata';
import { ConfigError, loadConfig } from './config.js';
import { startGateway } from './gateway.js';
import { createLogger } from './logger.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every variable and what it expects.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const gateway = await startGateway(config, logger);

  logger.info(
    {
      graphql: `${gateway.url}/graphql`,
      subscriptions: `${gateway.url.replace(/^http/, 'ws')}/graphql`,
      graphiql: `${gateway.url}/graphiql`,
      health: `${gateway.url}/healthz`,
      readiness: `${gateway.url}/readyz`,
      wiseEnvironment: config.wise.environment,
      wiseApi: gateway.wise.apiUrl,
      wiseAuthorizePage: gateway.wise.authorizeUrl,
      database: gateway.database,
    },
    `gateway ready at ${gateway.url}/graphql — GraphiQL ${gateway.url}/graphiql — Wise environment: ${config.wise.environment}`,
  );
  if (gateway.simulator) {
    logger.info(
      { simulator: gateway.simulator.url, controls: `${gateway.simulator.url}/__simulator/` },
      `embedded Wise simulator at ${gateway.simulator.url} (controls under /__simulator/)`,
    );
  }
  if (config.auth.usingDevelopmentSecret) {
    logger.warn('bank tokens are verified with the built-in development secret; `npm run token` mints one');
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 15 s; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    gateway
      .stop()
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
