/**
 * Metrics read from other packages' `stats` objects when Prometheus scrapes, never on a
 * request: the session registry, the rate limiter, readiness. The shapes are written out here
 * (the @mcp-runway/sessions `SessionStats` and @mcp-runway/rate-limit `RateLimiterStats` fit),
 * so this package depends on neither.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** The fields of @mcp-runway/sessions `SessionStats` read here. */
export interface SessionStatsLike {
  readonly active: number;
  readonly live: number;
  readonly inUse: number;
  readonly created: number;
  readonly adopted: number;
  readonly woken: number;
  readonly dormant: number;
  readonly evicted: number;
  readonly expired: number;
  readonly deleted: number;
  readonly closed: number;
  readonly gone: number;
  readonly refused: number;
  readonly ownerMismatch: number;
}
/** A `SessionRegistry` fits. */
export interface SessionSource {
  readonly stats: SessionStatsLike;
}
/** A @mcp-runway/rate-limit `RateLimiter` fits. */
export interface RateLimiterSource {
  readonly stats: { readonly redisErrors: number; readonly degraded: boolean };
}

const END_REASONS = ['evicted', 'expired', 'deleted', 'closed', 'gone'] as const;
const LIFECYCLE_EVENTS = ['adopted', 'dormant', 'woken'] as const;

type Watched<T> = Set<T>;

function watch<T>(set: Watched<T>, item: T): () => void {
  set.add(item);
  return () => {
    set.delete(item);
  };
}

function sum<T>(items: Iterable<T>, read: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += read(item);
  return total;
}

/**
 * How much a source's running total grew since the last scrape, per source: a counter that
 * follows totals from elsewhere. Counters only go up: a source that goes away keeps what it
 * counted, and one watched again counts on from where it was, not from zero.
 */
function growth(): (source: object, total: number) => number {
  const last = new WeakMap<object, number>();
  return (source, total) => {
    const before = last.get(source) ?? 0;
    last.set(source, total);
    return total > before ? total - before : 0;
  };
}

export interface Sources {
  /** `mcp_redis_errors_total`: pushed by the pipeline, plus the watched limiters' fallbacks. */
  redisErrors: Counter<'component'>;
  watchSessions(source: SessionSource, options?: { max?: number }): () => void;
  watchRateLimiter(source: RateLimiterSource): () => void;
  watchReadiness(check: () => boolean | Promise<boolean>): () => void;
}

export function watchSources(registers: Registry[]): Sources {
  const sessions: Watched<{ source: SessionSource; max: number }> = new Set();
  const limiters: Watched<RateLimiterSource> = new Set();
  const checks: Watched<() => boolean | Promise<boolean>> = new Set();

  const gauge = (name: string, help: string, read: (s: SessionStatsLike) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(sum(sessions, ({ source }) => read(source.stats)));
      },
    });
  gauge(
    'mcp_sessions_active',
    '2025-era sessions this instance holds, live or dormant.',
    (s) => s.active,
  );
  gauge(
    'mcp_sessions_live',
    'Sessions holding their server and transport in memory.',
    (s) => s.live,
  );
  gauge('mcp_sessions_in_use', 'Sessions with a stream open or a request running.', (s) => s.inUse);
  new Gauge({
    name: 'mcp_sessions_max',
    help: 'The most sessions this instance may hold (SESSION_MAX); 0 when no registry is watched.',
    registers,
    collect() {
      this.set(sum(sessions, (watched) => watched.max));
    },
  });

  const counter = (name: string, help: string, read: (s: SessionStatsLike) => number) => {
    const grew = growth();
    return new Counter({
      name,
      help,
      registers,
      collect() {
        this.inc(sum(sessions, ({ source }) => grew(source, read(source.stats))));
      },
    });
  };
  counter('mcp_sessions_created_total', 'Sessions created by initialize.', (s) => s.created);
  counter(
    'mcp_sessions_refused_total',
    'Initialize requests refused: the registry full (503), or the caller at its share (429).',
    (s) => s.refused,
  );
  counter(
    'mcp_sessions_owner_mismatch_total',
    'Requests refused (404) because another principal owns the session.',
    (s) => s.ownerMismatch,
  );

  const labelled = <L extends string>(
    name: string,
    help: string,
    label: L,
    values: readonly (keyof SessionStatsLike)[],
  ) => {
    const grew = new Map(values.map((value) => [value, growth()]));
    return new Counter({
      name,
      help,
      labelNames: [label],
      registers,
      collect() {
        const current = [...sessions].map(({ source }) => [source, source.stats] as const);
        for (const [value, grown] of grew) {
          const delta = sum(current, ([source, stats]) => grown(source, stats[value]));
          this.inc({ [label]: value } as Record<L, string>, delta);
        }
      },
    });
  };
  labelled(
    'mcp_sessions_ended_total',
    'Sessions ended, by reason: evicted (idle), expired (lifetime), deleted (DELETE), closed (shutdown), gone (ended on another instance).',
    'reason',
    END_REASONS,
  );
  labelled(
    'mcp_sessions_lifecycle_total',
    'Session transitions: adopted (taken over from another instance), dormant (server released while idle), woken (rebuilt).',
    'event',
    LIFECYCLE_EVENTS,
  );

  // Rate limiter: its Redis fallbacks join the Redis error counter under `rate_limit`.
  const limiterGrew = growth();
  const redisErrors = new Counter({
    name: 'mcp_redis_errors_total',
    help: 'Failed Redis calls by component (each answered from a local fallback where one exists).',
    labelNames: ['component'] as const,
    registers,
    collect() {
      const delta = sum(limiters, (limiter) => limiterGrew(limiter, limiter.stats.redisErrors));
      if (delta > 0) this.inc({ component: 'rate_limit' }, delta);
    },
  });
  new Gauge({
    name: 'mcp_rate_limit_degraded',
    help: '1 while the rate limiter cannot reach Redis and limits per instance instead.',
    registers,
    collect() {
      this.set([...limiters].some((limiter) => limiter.stats.degraded) ? 1 : 0);
    },
  });

  new Gauge({
    name: 'mcp_ready',
    help: '1 when the instance is ready for traffic (every readiness check passes, not draining).',
    registers,
    async collect() {
      const results = await Promise.all(
        [...checks].map(async (check) => {
          try {
            return await check();
          } catch {
            return false;
          }
        }),
      );
      this.set(results.every(Boolean) ? 1 : 0);
    },
  });

  return {
    redisErrors,
    watchSessions: (source, options = {}) => watch(sessions, { source, max: options.max ?? 0 }),
    watchRateLimiter: (source) => watch(limiters, source),
    watchReadiness: (check) => watch(checks, check),
  };
}
