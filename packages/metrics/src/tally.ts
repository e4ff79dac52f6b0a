/**
 * Counts kept in typed arrays on the hot path, handed to prom-client only when Prometheus
 * scrapes.
 *
 * Why not prom-client's own `inc()`/`observe()`: each call validates and hashes its labels
 * and allocates; `observe()` also builds a closure and a string key per call. Measured inside
 * a whole tools/call (SDK, pipeline), the recorder cost about 7 µs a request that way; with a
 * row per label value (one Map lookup of a string the request already holds) and arithmetic
 * for the other labels it allocates nothing. The exposition is still prom-client's.
 */
import { Histogram, type Registry } from 'prom-client';

/**
 * Rows of counters: one `Float64Array` per value of the first label (a method, a tool), one
 * cell per combination of the other labels, which come from short fixed lists.
 */
export class Rows {
  private readonly rows = new Map<string, Float64Array>();

  constructor(private readonly width: number) {}

  row(key: string): Float64Array {
    let row = this.rows.get(key);
    if (!row) {
      row = new Float64Array(this.width);
      this.rows.set(key, row);
    }
    return row;
  }

  add(key: string, cell: number, value = 1): void {
    const row = this.row(key);
    row[cell] = (row[cell] as number) + value;
  }

  entries(): IterableIterator<[string, Float64Array]> {
    return this.rows.entries();
  }
}

interface HistogramSeries {
  /** The label values, in `labelNames` order; '' for a label the series does not carry. */
  values: readonly string[];
  /** Per bucket, not cumulative; the last slot is above every bound (+Inf). */
  counts: Float64Array;
  sum: number;
  count: number;
}

type Exported = Awaited<ReturnType<Histogram['get']>>;

export interface TallyHistogramConfig<L extends string> {
  name: string;
  help: string;
  /** The labels, e.g. `['mcp_method_name', 'error_type']`. */
  labelNames: readonly L[];
  buckets: readonly number[];
  registers: Registry[];
}

/**
 * A prom-client `Histogram` whose samples live here: record with {@link record}, never
 * prom-client's `observe()`. A series is keyed by its label values joined into one string
 * (values come from closed lists, so the key space is bounded). prom-client reads a histogram
 * through `getForPromString()` (text) and `get()` (JSON); both are answered from these series.
 */
export class TallyHistogram<L extends string> extends Histogram<L> {
  /** Every series, in the order first seen: what the exposition lists. */
  private readonly series: HistogramSeries[] = [];
  /**
   * The series by label values, one Map level per label: a lookup hashes each value (strings
   * the request already holds, hashed once), where one joined key would be a fresh string to
   * build and hash on every sample (about 1.5 µs for eight labels).
   */
  private trie = new Map<string, unknown>();
  private readonly config: TallyHistogramConfig<L>;

  constructor(config: TallyHistogramConfig<L>) {
    super({
      name: config.name,
      help: config.help,
      labelNames: [...config.labelNames],
      buckets: [...config.buckets],
      registers: config.registers,
    });
    this.config = config;
  }

  /** `values` may be a scratch array the caller reuses: it is copied for a new series only. */
  private entry(values: readonly string[]): HistogramSeries {
    let node = this.trie;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      const value = values[i] as string;
      let next = node.get(value) as Map<string, unknown> | undefined;
      if (!next) {
        next = new Map();
        node.set(value, next);
      }
      node = next;
    }
    const leaf = values[last] as string;
    let entry = node.get(leaf) as HistogramSeries | undefined;
    if (!entry) {
      entry = {
        values: [...values],
        counts: new Float64Array(this.config.buckets.length + 1),
        sum: 0,
        count: 0,
      };
      node.set(leaf, entry);
      this.series.push(entry);
    }
    return entry;
  }

  /** `values` in `labelNames` order; '' leaves a label off the series. */
  record(values: readonly string[], value: number): void {
    const entry = this.entry(values);
    const { buckets } = this.config;
    let bucket = 0;
    while (bucket < buckets.length && value > (buckets[bucket] as number)) bucket++;
    entry.counts[bucket] = (entry.counts[bucket] as number) + 1;
    entry.sum += value;
    entry.count++;
  }

  /** Creates the series at 0, so it is exported before its first sample. */
  override zero(labels: Partial<Record<L, string | number>>): void {
    this.entry(this.config.labelNames.map((name) => String(labels[name] ?? '')));
  }

  override reset(): void {
    // prom-client's constructor calls reset() before this class's fields exist.
    if (this.series) {
      this.series.length = 0;
      this.trie = new Map();
    }
  }

  getForPromString(): Promise<Exported> {
    const { name, help, labelNames, buckets } = this.config;
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] =
      [];
    for (const { values: labelValues, counts, sum, count } of this.series) {
      const labels: Record<string, string> = {};
      labelNames.forEach((label, index) => {
        const value = labelValues[index];
        if (value) labels[label] = value;
      });
      let cumulative = 0;
      buckets.forEach((le, index) => {
        cumulative += counts[index] as number;
        values.push({ labels: { ...labels, le }, value: cumulative, metricName: `${name}_bucket` });
      });
      values.push({
        labels: { ...labels, le: '+Inf' },
        value: count,
        metricName: `${name}_bucket`,
      });
      values.push({ labels, value: sum, metricName: `${name}_sum` });
      values.push({ labels, value: count, metricName: `${name}_count` });
    }
    return Promise.resolve({ name, help, type: 'histogram', aggregator: 'sum', values } as never);
  }

  override get(): Promise<Exported> {
    return this.getForPromString();
  }
}
