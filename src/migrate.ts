/**
 * `npm run migrate`: applies pending migrations (the gateway's and graphile-worker's) and exits —
 * the step a deployment runs before rolling out replicas started with MIGRATIONS_ON_START=false
 * (deploy/k8s/migrate-job.yaml). Replicas and this command take turns through the same advisory
 * lock, so running it while replicas start is safe. Exit 0 when the schema is current, 1 on a
 * failure, 78 on a configuration problem. Needs DATABASE_URL (the embedded database of
 * `npm start` is migrated by `npm start` itself).
 */
import 'reflect-metadata';
import { runMigrations as runWorkerMigrations } from 'graphile-worker';
import { ConfigError, loadConfig } from './config.js';
import { migrate, openOrm } from './db/orm.js';
import { createLogger } from './logger.js';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee .env.example for every variable and what it expects.\n`);
    return 78;
  }
  const logger = createLogger(config.logLevel);
  const url = config.database.directUrl ?? config.database.url;
  if (!url) {
    logger.error('DATABASE_URL is required: `npm run migrate` migrates the database the gateway is configured with (`npm start` migrates its embedded one itself)');
    return 78;
  }
  const orm = await openOrm(url, logger);
  try {
    const applied = await migrate(orm, url);
    await runWorkerMigrations({ connectionString: url });
    logger.info({ migrations: applied }, applied.length ? `${applied.length} migration(s) applied` : 'the schema is up to date; nothing to apply');
    return 0;
  } catch (error) {
    logger.error({ err: error }, 'migration failed');
    return 1;
  } finally {
    await orm.close(true);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`migrate failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
