import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildGatewaySchema, printGatewaySchema } from '../src/gateway.js';

describe('schema.graphql', () => {
  it('is what the code generates (run `npm run schema` after changing GraphQL types)', async () => {
    const committed = await fs.readFile(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(printGatewaySchema(await buildGatewaySchema()));
  });
});
