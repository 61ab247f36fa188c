/**
 * The series the request path counts in plain numbers (src/ops/counted-series.ts) read, to a
 * Prometheus scraper, exactly as prom-client's own counter and histogram would have after the
 * same increments and observations.
 */
import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CountedCounter, CountedHistogram } from '../src/ops/counted-series.js';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
// On a bound, between bounds, below the first, above the last (only +Inf holds it).
const OBSERVED = [0.005, 0.007, 0.001, 0.3, 0.3, 2.5, 0.05, 0.0051];

/** The exposition's lines in a fixed order: the order of series means nothing to Prometheus. */
const lines = async (registry: client.Registry) => (await registry.metrics()).split('\n').sort();

describe('series counted in plain numbers', () => {
  it('print the same histogram text as prom-client', async () => {
    const theirs = new client.Registry();
    const ours = new client.Registry();
    const reference = new client.Histogram({ name: 'h_seconds', help: 'h', labelNames: ['operation', 'type'], buckets: BUCKETS, registers: [theirs] });
    const counted = new CountedHistogram({ name: 'h_seconds', help: 'h', labelNames: ['operation', 'type'], buckets: BUCKETS, registers: [ours] });
    const page = counted.child({ operation: 'Page', type: 'query' });
    const create = counted.child({ operation: 'Create', type: 'mutation' });
    counted.child({ operation: 'Never', type: 'query' }); // made, never observed: not printed, as in prom-client
    for (const [i, v] of OBSERVED.entries()) {
      const labels = i % 3 === 0 ? { operation: 'Create', type: 'mutation' } : { operation: 'Page', type: 'query' };
      reference.observe(labels, v);
      (i % 3 === 0 ? create : page).observe(v);
    }
    expect(await lines(ours)).toEqual(await lines(theirs));
    expect(await ours.metrics()).toContain('h_seconds_bucket{le="+Inf",operation="Page",type="query"} 5');
  });

  it('print the same counter text as prom-client, and keep counting across scrapes', async () => {
    const theirs = new client.Registry();
    const ours = new client.Registry();
    const reference = new client.Counter({ name: 'c_total', help: 'c', labelNames: ['outcome'], registers: [theirs] });
    const counted = new CountedCounter({ name: 'c_total', help: 'c', labelNames: ['outcome'], registers: [ours] });
    const hit = counted.child({ outcome: 'hit' });
    const miss = counted.child({ outcome: 'miss' });
    for (let i = 0; i < 5; i++) {
      hit.inc();
      reference.inc({ outcome: 'hit' });
    }
    miss.inc();
    reference.inc({ outcome: 'miss' });
    expect(await lines(ours)).toEqual(await lines(theirs));
    hit.inc();
    reference.inc({ outcome: 'hit' });
    expect(await lines(ours)).toEqual(await lines(theirs));
    expect(await ours.metrics()).toContain('c_total{outcome="hit"} 6');
  });
});
