/**
 * graphql-codegen (typescript, typescript-operations, typed-document-node) over schema.graphql
 * and the journey's operations, then the generated types used as a frontend would, compiled by
 * tsc --strict: every scalar has a type, every result union can be narrowed by __typename, and
 * a field that does not exist is a compile error.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codegen } from '@graphql-codegen/core';
import * as typedDocumentNode from '@graphql-codegen/typed-document-node';
import * as typescriptOperations from '@graphql-codegen/typescript-operations';
import { parse } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from './operations.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let workdir: string | undefined;
afterAll(async () => {
  if (workdir) await fs.rm(workdir, { recursive: true, force: true });
});

const CONSUMER = `
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { CreateTransferDocument, HistoryDocument, type CreateTransferMutation, type HistoryQuery, type CreateQuoteInput } from './generated.js';

type ResultOf<T> = T extends TypedDocumentNode<infer R, any> ? R : never;

export function describeCreation(result: ResultOf<typeof CreateTransferDocument>): string {
  const outcome = result.createTransfer;
  switch (outcome.__typename) {
    case 'TransferCreated':
      return outcome.transfer.id + ' ' + outcome.transfer.sourceAmount.amount.toUpperCase();
    default:
      // Every other member is a UserError: code, message and field are there without a cast.
      return outcome.code + ': ' + outcome.message + (outcome.field ?? '');
  }
}

export function ids(page: HistoryQuery): string[] {
  const ended: string | null | undefined = page.transfers.pageInfo.endCursor;
  return page.transfers.edges.map((edge) => edge.node.id + (ended ?? ''));
}

export const input: CreateQuoteInput = { sourceCurrency: 'GBP', targetCurrency: 'EUR', sourceAmount: '100.00' };
export const statuses = (page: HistoryQuery): string[] => page.transfers.edges.map((edge) => edge.node.status);

export function wrong(result: CreateTransferMutation) {
  // @ts-expect-error: no such field in the contract
  return result.createTransfer.transfer;
}
export const documents = [HistoryDocument];
`;

function tsc(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('graphql-codegen (typed-document-node)', () => {
  it('generates typed documents for the journey that compile under tsc --strict', async () => {
    const schema = parse(await fs.readFile(path.join(root, 'schema.graphql'), 'utf8'));
    const generated = await codegen({
      filename: 'generated.ts',
      schema,
      documents: Object.values(OPERATIONS).map((text) => ({ document: parse(text) })),
      plugins: [{ typescriptOperations: {} }, { typedDocumentNode: {} }],
      pluginMap: { typescriptOperations, typedDocumentNode },
      config: {
        strictScalars: true,
        scalars: { DateTimeISO: 'string', Decimal: 'string', CurrencyCode: 'string', CountryCode: 'string', LocalDate: 'string', UUID: 'string' },
        useTypeImports: true,
      },
    });
    expect(generated).toContain('CreateTransferDocument');
    workdir = await fs.mkdtemp(path.join(root, 'node_modules/.wpg-codegen-'));
    await fs.writeFile(path.join(workdir, 'generated.ts'), generated);
    await fs.writeFile(path.join(workdir, 'consumer.ts'), CONSUMER);
    const { code, output } = await tsc(
      ['--ignoreConfig', '--strict', '--noEmit', '--skipLibCheck', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--verbatimModuleSyntax', 'false', 'generated.ts', 'consumer.ts'],
      workdir,
    );
    expect(output).toBe('');
    expect(code).toBe(0);
  }, 300_000);
});
