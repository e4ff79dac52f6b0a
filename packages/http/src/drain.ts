/**
 * Tracks requests in flight so shutdown can wait for them. The transport adapter calls
 * `started`/`finished` around every request (for SSE, `finished` fires when the stream ends).
 */
export interface Drain {
  readonly draining: boolean;
  readonly inFlight: number;
  started(): void;
  finished(): void;
  /** Stop taking new work: readiness turns 503 and new MCP requests are refused with 503. */
  begin(): void;
  /** Resolves once nothing is in flight (immediately if nothing is). */
  whenIdle(): Promise<void>;
}

export function createDrain(): Drain {
  let inFlight = 0;
  let draining = false;
  let waiters: (() => void)[] = [];
  const settle = () => {
    if (inFlight > 0) return;
    for (const resolve of waiters) resolve();
    waiters = [];
  };
  return {
    get draining() {
      return draining;
    },
    get inFlight() {
      return inFlight;
    },
    started() {
      inFlight++;
    },
    finished() {
      inFlight = Math.max(0, inFlight - 1);
      settle();
    },
    begin() {
      draining = true;
    },
    whenIdle() {
      return new Promise((resolve) => {
        waiters.push(resolve);
        settle();
      });
    },
  };
}
