import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { sql } from './support/database.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway?.stop());

describe('health endpoints', () => {
  it('/healthz says the process is alive', async () => {
    const response = await fetch(`${gateway.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/readyz says ready once the database answers and every migration is applied', async () => {
    const response = await fetch(`${gateway.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  it('/readyz says not ready, with the reason, when a migration is missing', async () => {
    const [last] = await sql<{ name: string }>(
      gateway.databaseUrl,
      'delete from mikro_orm_migrations where id = (select max(id) from mikro_orm_migrations) returning name',
    );
    try {
      const response = await fetch(`${gateway.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'not ready', reason: '1 migration(s) not applied' });
    } finally {
      await sql(gateway.databaseUrl, 'insert into mikro_orm_migrations (name) values ($1)', [last.name]);
    }
  });

  it("never serves Apollo's landing page (it loads from a CDN): browsers use /graphiql", async () => {
    const response = await fetch(`${gateway.url}/graphql`, { headers: { accept: 'text/html', authorization: `Bearer ${await gateway.token('cust-alice')}` } });
    expect(response.headers.get('content-type')).not.toContain('text/html');
    expect(await response.text()).not.toMatch(/apollographql|embeddable-sandbox|cdn\./i);
  });

  it('answers unknown paths with 404 JSON', async () => {
    const response = await fetch(`${gateway.url}/nope`);
    expect(response.status).toBe(404);
  });
});
