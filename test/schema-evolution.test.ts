/**
 * Schema evolution: schema.graphql is compared with the last released contract
 * (contract/v<N>.graphql, recorded in CHANGELOG.md). A breaking change fails this test and names
 * itself, so it is made on purpose: release a new contract version, or make the change additive.
 */
import fs from 'node:fs/promises';
import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';

const read = (file: string) => fs.readFile(new URL(`../${file}`, import.meta.url), 'utf8');

async function lastRelease(): Promise<{ version: number; sdl: string }> {
  const versions = (await fs.readdir(new URL('../contract/', import.meta.url))).map((f) => /^v(\d+)\.graphql$/.exec(f)?.[1]).filter(Boolean).map(Number);
  const version = Math.max(...versions);
  return { version, sdl: await read(`contract/v${version}.graphql`) };
}

async function breakingChanges(before: GraphQLSchema, after: GraphQLSchema): Promise<string[]> {
  return (await diff(before, after)).filter((c) => c.criticality.level === CriticalityLevel.Breaking).map((c) => c.message);
}

describe('the contract', () => {
  it('has no breaking change since the last released contract', async () => {
    const released = await lastRelease();
    const breaking = await breakingChanges(buildSchema(released.sdl), buildSchema(await read('schema.graphql')));
    expect(breaking, `breaking changes since contract v${released.version}: release v${released.version + 1} (contract/, CHANGELOG.md) or make them additive`).toEqual([]);
  });

  it('is recorded in the CHANGELOG', async () => {
    const { version } = await lastRelease();
    expect(await read('CHANGELOG.md')).toMatch(new RegExp(`^## Contract v${version}\\b`, 'm'));
  });

  it('names a breaking change when one is made (a field removed, an argument made required)', async () => {
    const released = (await lastRelease()).sdl;
    const changed = released
      .replace(/\n {2}statusLabel: String!\n/, '\n')
      .replace('transfers(after: String, createdAfter: DateTimeISO, createdBefore: DateTimeISO, first: Int! = 20', 'transfers(after: String!, createdAfter: DateTimeISO, createdBefore: DateTimeISO, first: Int! = 20');
    expect(changed).not.toBe(released);
    const breaking = await breakingChanges(buildSchema(released), buildSchema(changed));
    expect(breaking).toEqual(expect.arrayContaining([expect.stringContaining("'statusLabel' was removed"), expect.stringContaining("'after'")]));
  });
});
