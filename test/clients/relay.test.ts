/**
 * Relay's compiler accepts the contract: pagination with @connection (full PageInfo, cursors),
 * @refetchable on Transfer (the Node interface and node(id:)). Real relay-compiler binary,
 * against schema.graphql, with its default rules.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
let workdir: string | undefined;
afterAll(async () => {
  if (workdir) await fs.rm(workdir, { recursive: true, force: true });
});

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('relay-compiler', () => {
  it('compiles fragments with @connection pagination and @refetchable on Transfer', async () => {
    workdir = await fs.mkdtemp(path.join(os.tmpdir(), 'wpg-relay-'));
    await fs.cp(path.join(root, 'test/clients/relay'), path.join(workdir, 'src'), { recursive: true });
    await fs.copyFile(path.join(root, 'schema.graphql'), path.join(workdir, 'schema.graphql'));
    await fs.writeFile(path.join(workdir, 'relay.config.json'), JSON.stringify({ src: './src', schema: './schema.graphql', language: 'typescript', eagerEsModules: true }));
    const { code, output } = await run(process.execPath, [path.join(root, 'node_modules/relay-compiler/cli.js')], workdir);
    expect(code, output).toBe(0);
    const generated = await fs.readdir(path.join(workdir, 'src/__generated__'));
    expect(generated).toEqual(expect.arrayContaining(['TransferRowRefetchQuery.graphql.ts', 'HistoryPaginationQuery.graphql.ts', 'History_query.graphql.ts']));
    // The refetch query goes through node(id:), the pagination one reads the connection's cursors.
    expect(await fs.readFile(path.join(workdir, 'src/__generated__/TransferRowRefetchQuery.graphql.ts'), 'utf8')).toContain('"node"');
    expect(await fs.readFile(path.join(workdir, 'src/__generated__/HistoryPaginationQuery.graphql.ts'), 'utf8')).toContain('endCursor');
  }, 300_000);
});
