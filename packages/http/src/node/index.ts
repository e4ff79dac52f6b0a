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

export interface ShutdownSignalOptions {
  /** @default ['SIGTERM', 'SIGINT'] */
  signals?: readonly NodeJS.Signals[];
  /**
   * A signal this soon after the first is the same request, not a second one. Ctrl-C in a
   * terminal signals the whole foreground process group, so a process started through a
   * runner (`pnpm start`, `tsx watch`) gets SIGINT from the terminal and once more from the
   * runner, which forwards it.
   * @default 1000
   */
  repeatWindowMs?: number;
  /** The clock the repeat window is measured on. @default Date.now */
  now?: () => number;
}

export interface ShutdownSignalHandlers {
  /** The first signal: begin shutting down. */
  first(signal: NodeJS.Signals): void;
  /** A signal after the repeat window: the operator insists, stop now. */
  again(signal: NodeJS.Signals): void;
  /** A signal within the repeat window of the first: the same request, delivered twice. */
  repeated?(signal: NodeJS.Signals): void;
}

/**
 * Listens for the shutdown signals: the first begins shutdown, a signal within
 * `repeatWindowMs` of it counts as the same one (a terminal's Ctrl-C and the runner's copy of
 * it), a later one asks to stop at once.
 */
export function onShutdownSignals(
  handlers: ShutdownSignalHandlers,
  options: ShutdownSignalOptions = {},
): void {
  const now = options.now ?? Date.now;
  const repeatWindowMs = options.repeatWindowMs ?? 1_000;
  let firstAt: number | undefined;
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      const at = now();
      if (firstAt === undefined) {
        firstAt = at;
        handlers.first(signal);
      } else if (at - firstAt < repeatWindowMs) handlers.repeated?.(signal);
      else handlers.again(signal);
    });
  }
}

export interface GracefulShutdownOptions extends ShutdownSignalOptions {
  server: Server;
  drain: Drain;
  logger: Logger;
  /**
   * How long in-flight requests get to finish. Then those still running are answered with a
   * JSON-RPC error (`drain.deadline`, `answerByDeadline`), and the process exits 1.
   */
  timeoutMs: number;
  /**
   * Runs as draining begins, while requests in flight finish: end long-lived streams that
   * would otherwise hold the drain open until the deadline (the 2025 session lane's GET
   * streams, whose clients reconnect elsewhere). Awaited before `onClosed`; work it waits for
   * should stop by `drain.deadline`, which aborts at the deadline, or once the drain was idle
   * (the timer runs until `onDrain` settles).
   */
  onDrain?: () => Promise<void> | void;
  /** Runs after the server closed: flush logs, close Redis, etc. */
  onClosed?: () => Promise<void> | void;
  /** @default process.exit */
  exit?: (code: number) => void;
}

/** How long the answers written at the deadline get to leave before open connections close. */
const ANSWER_GRACE_MS = 1_000;

/**
 * SIGTERM (or SIGINT): readiness turns 503 at once and new MCP requests get 503, requests in
 * flight finish, then the server closes and the process exits 0. If they are still running
 * at the deadline, each is answered with a JSON-RPC error (the drain's deadline aborts), the
 * open connections close once those answers are out, and the process exits 1. A second
 * signal exits at once (1), unless it came within `repeatWindowMs` of the first: then it is
 * the same request, delivered twice (`onShutdownSignals`).
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
    // One clock for the whole drain: at the deadline the drain expires, and everything that
    // watches `drain.deadline` (calls in flight, onDrain's work) stops.
    const timer = setTimeout(() => drain.expire(), timeoutMs);
    const expired = new Promise<'timeout'>((resolve) =>
      drain.deadline.addEventListener('abort', () => resolve('timeout'), { once: true }),
    );
    const draining = Promise.resolve()
      .then(() => options.onDrain?.())
      .catch((error: unknown) => logger.error({ err: error }, 'onDrain failed'));
    const outcome = await Promise.race([drain.whenIdle().then(() => 'idle' as const), expired]);
    if (outcome === 'timeout') {
      logger.error(
        { inFlight: drain.inFlight },
        'drain deadline passed: calls in flight answered with an error, connections closing',
      );
      // Their answers were written as the deadline aborted: let them leave first.
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([
        drain.whenIdle(),
        new Promise((resolve) => {
          grace = setTimeout(resolve, ANSWER_GRACE_MS);
        }),
      ]);
      clearTimeout(grace);
      server.closeAllConnections();
    }
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await draining;
    clearTimeout(timer);
    await options.onClosed?.();
    logger.info({ outcome }, 'stopped');
    exit(outcome === 'idle' ? 0 : 1);
  }

  onShutdownSignals(
    {
      first: (signal) => void shutdown(signal),
      again: (signal) => void shutdown(signal),
      repeated: (signal) =>
        logger.debug({ reason: signal }, 'repeated shutdown signal: already draining'),
    },
    options,
  );
  return shutdown;
}
