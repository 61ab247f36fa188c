/**
 * The money harness for longer:  npm run test:money -- --runs 1000   (or --seed <n> to replay)
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '100' }, seed: { type: 'string' } } });
const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/money-harness.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, MONEY_RUNS: values.runs, ...(values.seed ? { MONEY_SEED: values.seed } : {}) },
});
child.on('exit', (code) => process.exit(code ?? 1));
