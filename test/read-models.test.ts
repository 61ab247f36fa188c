/**
 * The read models (services/read-models.ts) select columns by name, in plain SQL, beside the
 * entities that own those tables: a column renamed or dropped in an entity must fail here, not
 * on a customer's first page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openOrm, type Orm } from '../src/db/orm.js';
import { READ_MODEL_COLUMNS } from '../src/services/read-models.js';
import { createTestDatabase, sql } from './support/database.js';

let orm: Orm;
let url: string;

beforeAll(async () => {
  url = await createTestDatabase('read_models');
  orm = await openOrm(url);
  await migrate(orm, url);
});
afterAll(async () => {
  await orm?.close(true);
});

const ENTITY_OF = { quote: 'Quote', recipient: 'Recipient', transfer: 'Transfer' } as const;

describe('the read models', () => {
  for (const [table, columns] of Object.entries(READ_MODEL_COLUMNS) as [keyof typeof ENTITY_OF, string[]][]) {
    it(`select from ${table} only columns its entity maps, and the migrated table has`, async () => {
      const meta = orm.getMetadata().find(ENTITY_OF[table])!;
      expect(meta.tableName).toBe(table);
      const mapped = new Set(Object.values(meta.properties).flatMap((p) => p.fieldNames ?? []));
      expect(columns.filter((c) => !mapped.has(c))).toEqual([]);
      const existing = new Set((await sql<{ column_name: string }>(url, 'select column_name from information_schema.columns where table_name = $1', [table])).map((r) => r.column_name));
      expect(columns.filter((c) => !existing.has(c))).toEqual([]);
    });
  }
});
