/**
 * One PostgreSQL for the whole run: the server DATABASE_URL points at, or an embedded one in
 * a temporary directory on a free port. Each test file then creates its own database on it
 * (test/support/database.ts), so files never see each other's rows.
 */
import fs from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, throwawayDirectory } from '../../src/db/embedded.js';
import { createLogger } from '../../src/logger.js';
import { freePort } from './ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('adminDatabaseUrl', process.env.DATABASE_URL);
    return;
  }
  const dataDir = await throwawayDirectory('wpg-test-');
  const embedded = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    database: 'wise_gateway_test',
    logger: createLogger('silent'),
  });
  project.provide('adminDatabaseUrl', embedded.adminUrl);
  return async () => {
    await embedded.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}
