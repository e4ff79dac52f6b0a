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
  /** Per bucket, not cumulative; the last slot is above every bound (+Inf). */
  counts: Float64Array;
  sum: number;
  count: number;
}

type Exported = Awaited<ReturnType<Histogram['get']>>;

export interface TallyHistogramConfig<L extends string> {
  name: string;
  help: string;
  /** The one label, e.g. `tool`. */
  labelName: L;
  buckets: readonly number[];
  registers: Registry[];
}

/**
 * A prom-client `Histogram` with one label whose samples live here: record with
 * {@link record}, never prom-client's `observe()`. prom-client reads a histogram through
 * `getForPromString()` (text) and `get()` (JSON); both are answered from these series.
 */
export class TallyHistogram<L extends string> extends Histogram<L> {
  private readonly series = new Map<string, HistogramSeries>();
  private readonly config: TallyHistogramConfig<L>;

  constructor(config: TallyHistogramConfig<L>) {
    super({
      name: config.name,
      help: config.help,
      labelNames: [config.labelName],
      buckets: [...config.buckets],
      registers: config.registers,
    });
    this.config = config;
  }

  private entry(value: string): HistogramSeries {
    let entry = this.series.get(value);
    if (!entry) {
      entry = { counts: new Float64Array(this.config.buckets.length + 1), sum: 0, count: 0 };
      this.series.set(value, entry);
    }
    return entry;
  }

  record(labelValue: string, value: number): void {
    const entry = this.entry(labelValue);
    const { buckets } = this.config;
    let bucket = 0;
    while (bucket < buckets.length && value > (buckets[bucket] as number)) bucket++;
    entry.counts[bucket] = (entry.counts[bucket] as number) + 1;
    entry.sum += value;
    entry.count++;
  }

  /** Creates the series at 0, so it is exported before its first sample. */
  override zero(labels: Partial<Record<L, string | number>>): void {
    this.entry(String(labels[this.config.labelName]));
  }

  override reset(): void {
    // prom-client's constructor calls reset() before this class's fields exist.
    this.series?.clear();
  }

  getForPromString(): Promise<Exported> {
    const { name, help, labelName, buckets } = this.config;
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] =
      [];
    for (const [labelValue, { counts, sum, count }] of this.series) {
      let cumulative = 0;
      buckets.forEach((le, index) => {
        cumulative += counts[index] as number;
        values.push({
          labels: { [labelName]: labelValue, le },
          value: cumulative,
          metricName: `${name}_bucket`,
        });
      });
      values.push({
        labels: { [labelName]: labelValue, le: '+Inf' },
        value: count,
        metricName: `${name}_bucket`,
      });
      values.push({ labels: { [labelName]: labelValue }, value: sum, metricName: `${name}_sum` });
      values.push({
        labels: { [labelName]: labelValue },
        value: count,
        metricName: `${name}_count`,
      });
    }
    return Promise.resolve({ name, help, type: 'histogram', aggregator: 'sum', values } as never);
  }

  override get(): Promise<Exported> {
    return this.getForPromString();
  }
}
