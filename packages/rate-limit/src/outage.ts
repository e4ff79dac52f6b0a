import type { Logger } from '@mcp-runway/logging';

/** Read by the metrics layer (a counter and a gauge) and by tests. */
export interface RateLimiterStats {
  /** Redis calls that failed, each answered from the per-instance memory budget instead. */
  readonly redisErrors: number;
  /** True from a failed Redis call until the next one succeeds. */
  readonly degraded: boolean;
}

export interface OutageLog {
  readonly stats: RateLimiterStats;
  failed(error: unknown): void;
  succeeded(): void;
}

/**
 * Counts Redis failures and reports them without flooding the log: one warning when an outage
 * starts, then at most one every `warnIntervalMs` (with the count since the last one) while it
 * lasts, and one line when Redis answers again.
 */
export function createOutageLog(
  logger: Logger | undefined,
  warnIntervalMs: number,
  now: () => number,
): OutageLog {
  let redisErrors = 0;
  let degraded = false;
  let lastWarningAt = 0;
  let sinceWarning = 0;
  let sinceOutage = 0;
  return {
    get stats() {
      return { redisErrors, degraded };
    },
    failed(error) {
      redisErrors++;
      sinceWarning++;
      sinceOutage++;
      if (degraded && now() - lastWarningAt < warnIntervalMs) return;
      logger?.warn(
        { err: error, failedCalls: sinceWarning },
        'rate limit: Redis unavailable; using a per-instance memory budget until it returns',
      );
      degraded = true;
      lastWarningAt = now();
      sinceWarning = 0;
    },
    succeeded() {
      if (!degraded) return;
      logger?.info(
        { failedCalls: sinceOutage },
        'rate limit: Redis is back; budgets are shared again',
      );
      degraded = false;
      sinceWarning = 0;
      sinceOutage = 0;
    },
  };
}
