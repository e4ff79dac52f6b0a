/**
 * Node-specific pieces of the pipeline: the server's timeouts, connection cap and graceful
 * close of refused connections (limits.ts), counting requests in flight on an http.Server
 * (SSE streams included) and shutting down gracefully on SIGTERM/SIGINT.
 */
import type { Server } from 'node:http';
import type { Logger } from '@mcp-runway/logging';
import type { Drain } from '../drain.js';

export type { ServerLimits, ServerLimitsOptions } from './limits.js';
export { applyServerLimits } from './limits.js';

/** Counts every request from arrival until its response closes (an SSE stream: until it ends). */
export function trackInFlight(server: Server, drain: Drain): void {
  server.on('request', (_request, response) => {
    drain.started();
    if (drain.draining) response.shouldKeepAlive = false;
    response.once('close', () => drain.finished());
  });
}

export interface GracefulShutdownOptions {
  server: Server;
  drain: Drain;
  logger: Logger;
  /** How long in-flight requests get to finish before the process exits anyway. */
  timeoutMs: number;
  /**
   * Runs as draining begins, while requests in flight finish: end long-lived streams that
   * would otherwise hold the drain open until the deadline (the 2025 session lane's GET
   * streams, whose clients reconnect elsewhere). Awaited before `onClosed`.
   */
  onDrain?: () => Promise<void> | void;
  /** Runs after the server closed: flush logs, close Redis, etc. */
  onClosed?: () => Promise<void> | void;
  /** @default ['SIGTERM', 'SIGINT'] */
  signals?: readonly NodeJS.Signals[];
  /** @default process.exit */
  exit?: (code: number) => void;
}

/**
 * SIGTERM (or SIGINT): readiness turns 503 at once and new MCP requests get 503, requests in
 * flight finish, then the server closes and the process exits 0. If they are still running
 * at the deadline the process exits 1. A second signal exits at once.
 * Returns the shutdown function, for callers that trigger it themselves.
 */
export function installGracefulShutdown(
  options: GracefulShutdownOptions,
): (reason: string) => Promise<void> {
  const { server, drain, logger, timeoutMs } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let started = false;

  async function shutdown(reason: string): Promise<void> {
    if (started) {
      logger.warn({ reason }, 'second shutdown signal: exiting now');
      exit(1);
      return;
    }
    started = true;
    drain.begin();
    logger.info({ reason, inFlight: drain.inFlight, timeoutMs }, 'draining');
    const draining = Promise.resolve()
      .then(() => options.onDrain?.())
      .catch((error: unknown) => logger.error({ err: error }, 'onDrain failed'));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([drain.whenIdle().then(() => 'idle' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      logger.error({ inFlight: drain.inFlight }, 'drain deadline passed: closing open connections');
      server.closeAllConnections();
    }
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await draining;
    await options.onClosed?.();
    logger.info({ outcome }, 'stopped');
    exit(outcome === 'idle' ? 0 : 1);
  }

  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT'])
    process.on(signal, () => void shutdown(signal));
  return shutdown;
}
