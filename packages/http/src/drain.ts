/**
 * Tracks requests in flight so shutdown can wait for them. The transport adapter calls
 * `started`/`finished` around every request (for SSE, `finished` fires when the stream ends).
 */
import { setMaxListeners } from 'node:events';

export interface Drain {
  readonly draining: boolean;
  readonly inFlight: number;
  started(): void;
  finished(): void;
  /** Stop taking new work: readiness turns 503 and new MCP requests are refused with 503. */
  begin(): void;
  /** Resolves once nothing is in flight (immediately if nothing is). */
  whenIdle(): Promise<void>;
  /**
   * Aborts when the drain's time is up (`expire`): each MCP request still in flight listens,
   * and answers with a JSON-RPC error before its connection closes (`answerByDeadline`).
   */
  readonly deadline: AbortSignal;
  /** The shutdown deadline has passed: abort `deadline`. */
  expire(): void;
}

export function createDrain(): Drain {
  let inFlight = 0;
  let draining = false;
  let waiters: (() => void)[] = [];
  const expiry = new AbortController();
  // One listener per request in flight: as many as there are requests, which is not a leak.
  setMaxListeners(0, expiry.signal);
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
    deadline: expiry.signal,
    expire() {
      expiry.abort();
    },
  };
}
