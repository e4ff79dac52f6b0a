/**
 * How much a caller may hold at once, beside how often it may call: tool calls being worked
 * on, and long-lived streams (a `subscriptions/listen` POST answered as SSE, a 2025 session's
 * GET stream). A budget of points per minute does not bound these: one cheap call can run for
 * minutes, and one stream stays open for hours.
 *
 * In memory, per process, on purpose: what a held request holds is this process's memory,
 * sockets and server instances, so this process is where the bound belongs. With several
 * instances a caller may hold up to the limit on each.
 */
import { RateLimitedError } from '@mcp-runway/errors';

/** `call`: a `tools/call` being worked on. `stream`: a response that stays open. */
export type ConcurrencyKind = 'call' | 'stream';

export interface ConcurrencyLimit {
  /** Held at once by one key (a principal, or a client address when anonymous). */
  perKey: number;
  /** Held at once by everyone together, in this process. */
  total: number;
}

export interface ConcurrencyLimiterOptions {
  calls: ConcurrencyLimit;
  streams: ConcurrencyLimit;
  /** `Retry-After` of a refusal: a held call usually ends within seconds. @default 1 */
  retryAfterSeconds?: number;
}

/** Which limit refused, as the metrics label it (`mcp_rate_limited_total{limit}`). */
export type ConcurrencyLimitName =
  | 'concurrent_calls'
  | 'concurrent_streams'
  | 'total_calls'
  | 'total_streams';

export type ConcurrencyDecision =
  | {
      allowed: true;
      /** Frees the slot. Call it when the response ends; calling it again does nothing. */
      release: () => void;
    }
  | { allowed: false; limit: ConcurrencyLimitName; max: number; retryAfterSeconds: number };

export interface ConcurrencyStats {
  /** Tool calls held now, by everyone. */
  readonly calls: number;
  /** Streams held now, by everyone. */
  readonly streams: number;
  /** Keys holding at least one slot now (each holds one entry of memory). */
  readonly keys: number;
}

export interface ConcurrencyLimiter {
  readonly stats: ConcurrencyStats;
  /** Takes a slot of `kind` for `key`, or says which limit is full. */
  acquire(key: string, kind: ConcurrencyKind): ConcurrencyDecision;
  /** Slots of `kind` that `key` holds now. */
  held(key: string, kind: ConcurrencyKind): number;
}

const NAMES = {
  call: { perKey: 'concurrent_calls', total: 'total_calls' },
  stream: { perKey: 'concurrent_streams', total: 'total_streams' },
} as const satisfies Record<ConcurrencyKind, Record<keyof ConcurrencyLimit, ConcurrencyLimitName>>;

function assertValid(limit: ConcurrencyLimit, what: string): void {
  for (const value of [limit.perKey, limit.total]) {
    if (!Number.isInteger(value) || value < 1) {
      throw new TypeError(`${what}: perKey and total must be whole numbers above 0`);
    }
  }
  if (limit.perKey > limit.total) {
    throw new RangeError(`${what}: perKey (${limit.perKey}) is above total (${limit.total})`);
  }
}

export function createConcurrencyLimiter(options: ConcurrencyLimiterOptions): ConcurrencyLimiter {
  assertValid(options.calls, 'concurrent calls');
  assertValid(options.streams, 'concurrent streams');
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;
  const limits = { call: options.calls, stream: options.streams };
  // One map per kind: key -> slots held. A key with nothing held has no entry, so the maps
  // never hold more entries than the process total allows.
  const held = { call: new Map<string, number>(), stream: new Map<string, number>() };
  const totals = { call: 0, stream: 0 };

  function release(key: string, kind: ConcurrencyKind): void {
    const count = held[kind].get(key) ?? 0;
    if (count <= 1) held[kind].delete(key);
    else held[kind].set(key, count - 1);
    totals[kind]--;
  }

  return {
    get stats() {
      const keys = new Set([...held.call.keys(), ...held.stream.keys()]);
      return { calls: totals.call, streams: totals.stream, keys: keys.size };
    },
    held: (key, kind) => held[kind].get(key) ?? 0,
    acquire(key, kind) {
      const limit = limits[kind];
      const count = held[kind].get(key) ?? 0;
      if (count >= limit.perKey) {
        return { allowed: false, limit: NAMES[kind].perKey, max: limit.perKey, retryAfterSeconds };
      }
      if (totals[kind] >= limit.total) {
        return { allowed: false, limit: NAMES[kind].total, max: limit.total, retryAfterSeconds };
      }
      held[kind].set(key, count + 1);
      totals[kind]++;
      let released = false;
      return {
        allowed: true,
        release() {
          if (released) return;
          released = true;
          release(key, kind);
        },
      };
    },
  };
}

/**
 * What an MCP request holds while it is served, the one policy both pipelines use: a
 * `tools/call` is a `call` (its tool runs as long as it runs); a `subscriptions/listen` POST
 * and a GET (a 2025 session's stream, or its resumption) are a `stream` that stays open;
 * anything else is answered at once and is not counted. Notifications and a 2025 client's
 * responses in particular must never wait: a running tool may be waiting for them.
 */
export function heldKind(
  httpMethod: string,
  mcpMethod: string | undefined,
): ConcurrencyKind | undefined {
  if (httpMethod === 'GET') return 'stream';
  if (httpMethod !== 'POST') return undefined;
  if (mcpMethod === 'tools/call') return 'call';
  if (mcpMethod === 'subscriptions/listen') return 'stream';
  return undefined;
}

/**
 * The refusal: HTTP 429 with `Retry-After` and the same JSON-RPC body (code -31429) as a
 * spent budget, so a client handles every limit one way. No `RateLimit-*` headers: they
 * describe the budget of points, which this refusal did not touch.
 */
export function concurrencyLimitedError(
  decision: Extract<ConcurrencyDecision, { allowed: false }>,
): RateLimitedError {
  return new RateLimitedError(decision.retryAfterSeconds, { limit: decision.limit });
}
