import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // SWC emits the decorator metadata type-graphql and MikroORM read (esbuild does not).
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: {
    // One copy of graphql for everyone, or "Cannot use GraphQLSchema from another module or realm".
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 30_000,
    // Set-up starts gateways, replicas and databases: on 2 busy cores that has taken minutes.
    hookTimeout: 180_000,
    pool: 'forks',
    // Two cores: more workers than that only makes every test slower.
    maxWorkers: 2,
  },
});
