/**
 * The plain pool of the hot paths, on a real database: a transaction commits when its work
 * resolves and leaves nothing behind when it throws; statements use `?` placeholders, as the
 * ORM's, so the same SQL runs on either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlainDb } from '../src/db/plain.js';
import { createTestDatabase, sql } from './support/database.js';

let url: string;
let db: PlainDb;
beforeAll(async () => {
  url = await createTestDatabase('plain');
  await sql(url, 'create table note (id int primary key, body text not null)');
  db = new PlainDb(url, { min: 0, max: 2 });
});
afterAll(() => db.close());

describe('PlainDb.transaction', () => {
  it('commits what the work wrote, with ? placeholders numbered in order', async () => {
    const rows = await db.transaction(async (q) => {
      await q('insert into note (id, body) values (?, ?), (?, ?)', [1, 'one', 2, 'two']);
      return q<{ body: string }>('select body from note where id = ? or body = ? order by id', [1, 'two']);
    });
    expect(rows.map((r) => r.body)).toEqual(['one', 'two']);
    expect(await sql(url, 'select id, body from note order by id')).toEqual([
      { id: 1, body: 'one' },
      { id: 2, body: 'two' },
    ]);
  });

  it('rolls everything back when the work throws, and the connection serves the next caller', async () => {
    await expect(
      db.transaction(async (q) => {
        await q('insert into note (id, body) values (?, ?)', [3, 'three']);
        await q('insert into note (id, body) values (?, ?)', [1, 'duplicate key']);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await sql(url, 'select count(*)::int as n from note where id = 3')).toEqual([{ n: 0 }]);
    // Both connections of the pool still work (none was left inside the failed transaction).
    const counts = await Promise.all([0, 1].map(() => db.transaction((q) => q<{ n: number }>('select count(*)::int as n from note', []))));
    expect(counts).toEqual([[{ n: 2 }], [{ n: 2 }]]);
  });
});
