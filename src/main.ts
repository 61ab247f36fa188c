/**
 * Process entry: configuration → gateway → listen; ordered shutdown on SIGINT/SIGTERM (or when
 * the parent that started it with an IPC channel goes away).
 */
import 'reflect-metadata';
import { ConfigError, loadConfig, redactUrl } from './config.js';
import type { Gateway } from './gateway.js';
import type { Tracing } from './ops/tracing.js';
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

  // Signals are handled from the first moment: one that arrives while the gateway is still
  // starting (it already answers /readyz while it ensures webhook subscriptions) must not kill
  // the process and leave the embedded PostgreSQL running. The stop then follows the start.
  // eslint-disable-next-line prefer-const -- assigned below, after the signal handlers that read it are installed
  let gateway: Gateway | undefined;
  let stopping = false;
  const drainMs = config.ops.shutdownDrainSeconds * 1000;
  const stop = (running: Gateway) => {
    const force = setTimeout(() => {
      logger.error(`shutdown took longer than ${drainMs / 1000 + 15} s; exiting`);
      process.exit(1);
    }, drainMs + 15_000);
    force.unref();
    // Readiness turns 503 first and stays so for SHUTDOWN_DRAIN_SECONDS while requests are still
    // served: the orchestrator takes the pod out of its endpoints before the listener closes.
    running.startDraining();
    if (drainMs > 0) logger.info({ drainSeconds: drainMs / 1000 }, 'not ready any more; draining before the listener closes');
    new Promise((resolve) => setTimeout(resolve, drainMs))
      .then(() => running.stop())
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      });
  };
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, gateway ? 'shutting down' : 'shutting down once start-up finishes');
    if (gateway) stop(gateway);
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Started by a supervisor with an IPC channel (the bench does so): stop when it goes away,
  // even killed outright with no chance to signal — else this process and its embedded
  // PostgreSQL would run on with nobody to stop them.
  if (process.channel) process.once('disconnect', () => shutdown('parent process gone'));

  // Tracing hooks modules as they load: it starts before the gateway's modules are imported.
  let tracing: Tracing | undefined;
  if (config.ops.tracing) {
    // Logged without a password the URL may carry; the headers are never logged.
    const endpoint = redactUrl(config.ops.tracing.endpoint);
    const { startTracing } = await import('./ops/tracing.js');
    tracing = await startTracing({
      ...config.ops.tracing,
      // Lost spans are told, not only dropped: a collector that is down or a wrong endpoint
      // would otherwise show only as traces that never arrive.
      onExportFailure: {
        failed: ({ batches, spans, lastError, sinceMs }) =>
          logger.warn(
            { endpoint, lostBatches: batches, lostSpans: spans, since: new Date(sinceMs).toISOString(), reason: lastError },
            `could not send ${spans} span(s) to the OTLP endpoint: ${lastError} (told at most once a minute)`,
          ),
        recovered: () => logger.info({ endpoint }, 'spans reach the OTLP endpoint again'),
      },
    });
    logger.info({ endpoint }, 'OpenTelemetry tracing on');
  }
  const { startGateway } = await import('./gateway.js');
  gateway = await startGateway(config, logger);
  // Checked once everything that loads pg has (the gateway's import, knex's require).
  if (tracing && !tracing.pgTrimmed())
    logger.warn("pg was not instrumented as expected (another version?): every statement goes through the pg instrumentation's wrappers, traced or not");
  if (tracing) {
    const running = gateway;
    const stopGateway = running.stop;
    // Spans of the last requests are flushed after the HTTP server has closed.
    running.stop = async () => {
      await stopGateway();
      await tracing.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'could not flush the last spans'));
    };
  }
  if (stopping) return stop(gateway);

  logger.info(
    {
      graphql: `${gateway.url}/graphql`,
      subscriptions: `${gateway.url.replace(/^http/, 'ws')}/graphql`,
      graphiql: `${gateway.url}/graphiql`,
      health: `${gateway.url}/healthz`,
      readiness: `${gateway.url}/readyz`,
      metrics: gateway.metricsServer?.url ?? 'off',
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
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
