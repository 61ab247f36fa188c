/**
 * Series counted on the request path in plain numbers and handed to prom-client when it
 * collects (a scrape), for the metrics every GraphQL request touches.
 *
 * Why not prom-client's own `inc`/`observe` there: each call hashes its labels into a string
 * key (a labelled child too — `labels()` keeps the labels, not the key), and a histogram then
 * indexes its buckets by their float bounds turned into property names. On a cached page that
 * was ~4 µs of a ~300 µs request, and the garbage it made was more (bench/README.md,
 * "3 December 2026, late night"). Here a series is found once per operation name, an increment
 * is `+= 1`, and an observation a short scan of the bounds; what Prometheus reads is the same
 * text prom-client's own counter and histogram print (test/counted-series.test.ts compares them).
 */
import client from 'prom-client';

type Labels = Record<string, string>;

/** A counter's series: `inc()` adds to a plain number; prom-client gets the sum when it collects. */
export class CountedCounter<L extends string> {
  private readonly series: { labels: Labels; pending: number }[] = [];

  constructor(options: { name: string; help: string; labelNames: readonly L[]; registers: client.Registry[] }) {
    const series = this.series;
    new client.Counter({
      ...options,
      collect() {
        for (const s of series) {
          if (s.pending === 0) continue;
          this.inc(s.labels as Partial<Record<L, string>>, s.pending);
          s.pending = 0;
        }
      },
    });
  }

  /** One series, made once: keep it and call `inc` on it. */
  child(labels: Record<L, string>): { inc(): void } {
    const s = { labels: { ...labels } as Labels, pending: 0 };
    this.series.push(s);
    return {
      inc() {
        s.pending += 1;
      },
    };
  }
}

/** A histogram's series in plain numbers, printed as a Prometheus histogram. */
export class CountedHistogram<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly bounds: number[];
  private readonly series: { labels: Labels; buckets: Float64Array; sum: number; count: number }[] = [];

  constructor(options: { name: string; help: string; labelNames: readonly L[]; buckets: number[]; registers: client.Registry[] }) {
    this.name = options.name;
    this.help = options.help;
    this.bounds = [...options.buckets].sort((a, b) => a - b);
    for (const registry of options.registers) registry.registerMetric(this as unknown as client.Metric);
  }

  /** One series, made once: keep it and call `observe` on it. */
  child(labels: Record<L, string>): { observe(value: number): void } {
    const bounds = this.bounds;
    const s = { labels: { ...labels } as Labels, buckets: new Float64Array(bounds.length), sum: 0, count: 0 };
    this.series.push(s);
    return {
      observe(value: number) {
        // The first bound the value fits under; above the last, only +Inf (the count) holds it.
        for (let i = 0; i < bounds.length; i++) {
          if (value <= bounds[i]) {
            s.buckets[i] += 1;
            break;
          }
        }
        s.sum += value;
        s.count += 1;
      },
    };
  }

  /** prom-client's registry reads a metric through `get()`: the cumulative buckets, sum and count. */
  async get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const s of this.series) {
      if (s.count === 0) continue;
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += s.buckets[i];
        values.push({ labels: { le: this.bounds[i], ...s.labels }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    for (const s of this.series) {
      s.buckets.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}
