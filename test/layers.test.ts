/**
 * The GraphQL layer's dependencies run one way (ARCHITECTURE.md, "The GraphQL layer"): resolvers
 * use schema types and services; the schema imports no resolver and no service; nothing below
 * the GraphQL layer imports either. Below it, the bank's ports carry domain types only, adapters
 * implement them, and only gateway.ts picks an adapter.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));

async function importsOf(folder: string): Promise<{ file: string; target: string }[]> {
  const found: { file: string; target: string }[] = [];
  for (const entry of await fs.readdir(path.join(src, folder), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = await fs.readFile(file, 'utf8');
    for (const match of text.matchAll(/^(?:import|export)[^'"]*from\s+['"](\.[^'"]+)['"]/gm)) {
      found.push({ file: path.relative(src, file), target: path.relative(src, path.resolve(path.dirname(file), match[1])) });
    }
  }
  return found;
}

const into = (imports: { file: string; target: string }[], ...folders: string[]) => imports.filter((i) => folders.some((f) => i.target.startsWith(`${f}/`))).map((i) => `${i.file} → ${i.target}`);
const outside = (imports: { file: string; target: string }[], allowed: string[]) =>
  imports.filter((i) => !allowed.some((a) => i.target === a || i.target.startsWith(`${a}/`))).map((i) => `${i.file} → ${i.target}`);

describe('the GraphQL layer', () => {
  it('has a schema that imports no resolver and no service', async () => {
    expect(into(await importsOf('schema'), 'resolvers', 'services', 'http', 'entities', 'db')).toEqual([]);
  });

  it('is imported by nothing below it', async () => {
    for (const below of ['services', 'wise', 'entities', 'jobs', 'simulator', 'db']) {
      expect(into(await importsOf(below), 'schema', 'resolvers'), below).toEqual([]);
    }
  });

  it('keeps one resolver and one mapper file per area, beside each other', async () => {
    const files = await fs.readdir(path.join(src, 'resolvers'));
    for (const area of ['viewer', 'onboarding', 'verification', 'quotes', 'recipients', 'transfers']) {
      expect(files).toEqual(expect.arrayContaining([`${area}.resolver.ts`, `${area}.mappers.ts`]));
      expect(await fs.readdir(path.join(src, 'schema'))).toContain(`${area}.ts`);
    }
  });
});

describe('the layers below it', () => {
  const FOLDERS = ['http', 'resolvers', 'schema', 'services', 'jobs', 'wise', 'db', 'entities', 'domain', 'lib', 'simulator', 'adapters', 'ports'];
  const fileImports = async (file: string) => (await importsOf('.')).filter((i) => i.file === file);

  it('keeps configuration at the bottom: config.ts and config/ import nothing but config/ and lib/', async () => {
    expect(outside(await fileImports('config.ts'), ['config', 'lib'])).toEqual([]);
    expect(outside(await importsOf('config'), ['config', 'lib'])).toEqual([]);
  });

  it('keeps the domain catalogues and lib free of everything else', async () => {
    expect(outside(await importsOf('domain'), ['domain'])).toEqual([]);
    expect(outside(await importsOf('lib'), ['lib'])).toEqual([]);
  });

  it('keeps entities free of services, Wise and the edge', async () => {
    expect(outside(await importsOf('entities'), ['entities', 'domain', 'lib'])).toEqual([]);
  });

  it('keeps the simulator independent of the gateway: it holds its own beliefs about Wise', async () => {
    const gateway = FOLDERS.filter((f) => f !== 'simulator' && f !== 'lib');
    expect(into(await importsOf('simulator'), ...gateway)).toEqual([]);
    // Its stand-alone entry point reads its settings through config.ts, the one reader of the
    // environment (config.test.ts); nothing else of the simulator sees the gateway's settings.
    const settings = (await importsOf('simulator')).filter((i) => i.target === 'config.js' || i.target.startsWith('config/'));
    expect(settings.map((i) => i.file)).toEqual(['simulator/main.ts']);
  });

  it('keeps the Wise client to HTTP and Wise: no service, entity, database, adapter, request context or edge', async () => {
    expect(into(await importsOf('wise'), 'services', 'entities', 'db', 'adapters', 'ops', 'http', 'resolvers', 'schema', 'jobs', 'simulator')).toEqual([]);
  });

  it('keeps services below the edge', async () => {
    expect(into(await importsOf('services'), 'http', 'resolvers', 'schema', 'jobs', 'simulator')).toEqual([]);
  });
});

describe('ports and adapters (ARCHITECTURE.md, "The bank\'s side: ports")', () => {
  it('keeps the ports to domain types: a bank implements them without the ORM, the driver or a service', async () => {
    expect(outside(await importsOf('ports'), ['ports', 'domain', 'lib'])).toEqual([]);
    for (const file of await fs.readdir(path.join(src, 'ports'))) {
      const text = await fs.readFile(path.join(src, 'ports', file), 'utf8');
      // No package at all: not MikroORM, not pg, nothing a bank would have to install to implement them.
      expect(text, file).not.toMatch(/from\s+['"][^.'"]/);
    }
  });

  it('keeps adapters below the services: they implement ports on entities and the database, and call no service', async () => {
    expect(into(await importsOf('adapters'), 'services', 'http', 'resolvers', 'schema', 'jobs', 'simulator')).toEqual([]);
  });

  it('lets only the composition root (gateway.ts, and the job schedule it has jobs/tasks.ts build) choose an adapter: services and the edge see ports', async () => {
    for (const folder of ['services', 'resolvers', 'schema', 'http', 'jobs', 'wise', 'entities', 'domain', 'db', 'ops']) {
      const imports = (await importsOf(folder)).filter((i) => !(folder === 'jobs' && i.file === 'jobs/tasks.ts'));
      expect(into(imports, 'adapters'), folder).toEqual([]);
    }
  });
});
