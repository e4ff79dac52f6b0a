/**
 * The circuit breaker of one Redis connection. A Redis that hangs (frozen, partitioned,
 * swapping) still accepts commands and answers none: without a breaker every request waits
 * out the command timeout, often several in a row, and throughput falls by 99%. After
 * `failureThreshold` consecutive failures the circuit opens: commands fail at once with a
 * RedisUnavailableError, without being written, so each user's fallback (per-instance
 * limits, held sessions, events without ids) answers immediately. A PING of the breaker's own
 * probes Redis every `probeIntervalMs` (half-open while it runs); its answer closes the circuit.
 *
 * Written here rather than taken from opossum or cockatiel: both half-open by letting the next
 * caller's call through as the trial, so a request would wait out the timeout of a Redis that
 * may still be hung, and a pipeline could be split between a trial command that is written and
 * the rest that are refused. Both also wrap calls in promises and timers of their own, while
 * here the command timeout is ioredis's and the gate is one branch per command.
 */

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface RedisCircuitOptions {
  /** Consecutive failed commands (timeouts, connection errors) that open the circuit. @default 5 */
  failureThreshold?: number;
  /** Failures further apart than this start a new count. @default 10_000 */
  failureWindowMs?: number;
  /** How often an open circuit probes Redis with a PING. @default 2_000 */
  probeIntervalMs?: number;
  /** Told of every change of state: the client logs the outage's start and end. */
  onStateChange?: ((change: CircuitChange) => void) | undefined;
  /** The clock; tests pass their own. @default Date.now */
  now?: () => number;
}

export interface CircuitChange {
  from: CircuitState;
  to: CircuitState;
  /** Why: `3 consecutive failures (Command timed out)`, `connection lost`, `probe answered`... */
  reason: string;
}

/** Read by the metrics layer (`watchRedisCircuit`) and, in part, by readiness. */
export interface RedisCircuitStats {
  readonly state: CircuitState;
  /** When the circuit entered its state (epoch ms). */
  readonly since: number;
  readonly consecutiveFailures: number;
  /** Transitions into each state since the client was made. */
  readonly transitions: Readonly<Record<CircuitState, number>>;
  /** Calls refused at once, without reaching Redis, while the circuit was not closed. */
  readonly rejected: number;
}

/** What `/ready` says about Redis: never a failed check, the app serves on its fallbacks. */
export interface RedisReadiness {
  degraded: boolean;
  circuit: CircuitState;
  since: string;
}

/** A call refused by an open circuit: Redis was not asked. Fall back, as for any Redis error. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  readonly code = 'REDIS_UNAVAILABLE';
  constructor(readonly state: CircuitState) {
    super(`Redis circuit ${state}: not sent to Redis; using the fallback until a probe succeeds`);
  }
}

/**
 * Whether a failed command says Redis is unwell. A reply error (WRONGTYPE, NOSCRIPT, a script
 * error) is an answer, so Redis is fine, except for the replies of a Redis that cannot serve.
 */
export function isOutageError(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  if (error.name !== 'ReplyError') return true;
  return /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)\b/.test(error.message);
}

export class RedisCircuit {
  private current: CircuitState = 'closed';
  private sinceMs: number;
  private failures = 0;
  private firstFailureAt = 0;
  private refusals = 0;
  private readonly counts: Record<CircuitState, number> = { closed: 0, open: 0, 'half-open': 0 };
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  private readonly threshold: number;
  private readonly windowMs: number;
  private readonly probeIntervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly options: RedisCircuitOptions = {},
  ) {
    this.threshold = options.failureThreshold ?? 5;
    this.windowMs = options.failureWindowMs ?? 10_000;
    this.probeIntervalMs = options.probeIntervalMs ?? 2_000;
    this.now = options.now ?? Date.now;
    if (!(Number.isInteger(this.threshold) && this.threshold >= 1)) {
      throw new RangeError('failureThreshold must be a whole number above 0');
    }
    this.sinceMs = this.now();
  }

  get state(): CircuitState {
    return this.current;
  }

  /** True while calls may go to Redis. */
  get closed(): boolean {
    return this.current === 'closed';
  }

  get stats(): RedisCircuitStats {
    return {
      state: this.current,
      since: this.sinceMs,
      consecutiveFailures: this.failures,
      transitions: { ...this.counts },
      rejected: this.refusals,
    };
  }

  readiness(): RedisReadiness {
    return {
      degraded: this.current !== 'closed',
      circuit: this.current,
      since: new Date(this.sinceMs).toISOString(),
    };
  }

  /** Counts a call refused while the circuit is not closed; throw what it returns. */
  refuse(): RedisUnavailableError {
    this.refusals++;
    return new RedisUnavailableError(this.current);
  }

  /** A command Redis answered (a reply error included). Arrow: one function for every command. */
  readonly succeeded = (): void => {
    if (this.current === 'closed') this.failures = 0;
  };

  /** A command that failed; only outages count, and only while closed (the probe decides after). */
  readonly failed = (error: unknown): void => {
    if (this.current !== 'closed' || this.disposed) return;
    if (!isOutageError(error)) {
      this.failures = 0;
      return;
    }
    const now = this.now();
    if (this.failures === 0 || now - this.firstFailureAt > this.windowMs) {
      this.failures = 0;
      this.firstFailureAt = now;
    }
    this.failures++;
    if (this.failures >= this.threshold) {
      const why = error instanceof Error ? error.message : String(error);
      this.open(`${this.failures} consecutive failures (${why})`);
    }
  };

  /** The connection dropped (not closed by us): nothing can be sent until it is back. */
  connectionLost(): void {
    if (this.current === 'closed' && !this.disposed) this.open('connection lost');
  }

  /** The connection is (again) ready: Redis answered the handshake, so the circuit closes. */
  connectionReady(): void {
    if (this.current !== 'closed') this.moveTo('closed', 'connection ready');
  }

  /** Stops probing (the client ended). */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }

  private open(reason: string): void {
    this.moveTo('open', reason);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.runProbe(), this.probeIntervalMs);
    // A probe never keeps the process alive.
    this.timer.unref();
  }

  private async runProbe(): Promise<void> {
    if (this.current !== 'open' || this.disposed) return;
    this.moveTo('half-open', 'probing');
    try {
      await this.probe();
      // The connection may have closed the circuit meanwhile (a reconnect's handshake).
      if (this.probing()) this.moveTo('closed', 'probe answered');
    } catch (error) {
      if (!this.probing()) return;
      this.open(`probe failed (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  private probing(): boolean {
    return this.current === 'half-open';
  }

  private moveTo(to: CircuitState, reason: string): void {
    const from = this.current;
    this.current = to;
    this.sinceMs = this.now();
    this.counts[to]++;
    if (to === 'closed') this.failures = 0;
    this.options.onStateChange?.({ from, to, reason });
  }
}
