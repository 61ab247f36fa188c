/**
 * A plain pg pool for the hot read paths: named prepared statements (parsed and planned once
 * per connection), rows straight from the driver, no query builder. Writes stay with the ORM.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { countSql } from '../observability.js';

export class ReadDb {
  private readonly pool: pg.Pool;
  private readonly names = new Map<string, string>();

  constructor(url: string, max = 10) {
    // Two stay open when idle, as the ORM's pool does (see orm.ts), so a quiet spell costs no reconnects.
    this.pool = new pg.Pool({ connectionString: url, max, min: 2 });
    // An idle connection that breaks (Postgres restarted) is dropped by the pool and the next
    // query opens another; without a listener the 'error' event would end the process.
    this.pool.on('error', () => {});
  }

  async query<T extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
    countSql();
    let name = this.names.get(text);
    if (!name) {
      name = `r_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      this.names.set(text, name);
    }
    return (await this.pool.query<T>({ name, text, values })).rows;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
