import type { Logger } from '@mcp-runway/logging';

/**
 * A warning logged at most once per interval, with how many were folded into it: during a
 * Redis outage every request would otherwise log the same line.
 */
export function throttledWarning(
  logger: Logger | undefined,
  message: string,
  intervalMs = 10_000,
): (error: unknown) => void {
  let last = Number.NEGATIVE_INFINITY;
  let folded = 0;
  return (error) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      folded++;
      return;
    }
    logger?.warn({ err: error, alsoSince: folded }, message);
    last = now;
    folded = 0;
  };
}
