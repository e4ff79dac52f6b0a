/**
 * How long a Node HTTP server waits for its clients, how many it holds at once, and how it
 * closes a connection whose request it refused before reading the body. Both apps call
 * `applyServerLimits` on their server (Hono's `serve` and Express's `createServer` alike).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '@mcp-runway/logging';
import type { HttpConfig } from '../config.js';

export type ServerLimits = Pick<
  HttpConfig,
  'HEADERS_TIMEOUT_MS' | 'REQUEST_TIMEOUT_MS' | 'KEEP_ALIVE_TIMEOUT_MS' | 'MAX_CONNECTIONS'
>;

export interface ServerLimitsOptions {
  /** Told (at most every 10 s) when connections are dropped at MAX_CONNECTIONS. */
  logger?: Logger;
  /**
   * How long a refused connection keeps reading (and discarding) what its client still sends
   * before it is destroyed. @default 2000
   */
  lingerMs?: number;
}

/** How often a drop at the connection cap is logged, with the count since the last line. */
const DROP_LOG_INTERVAL_MS = 10_000;

/**
 * Sets the server's timeouts and connection cap from configuration, and closes refused
 * connections gracefully:
 * - `headersTimeout` and `requestTimeout` bound how long a request may take to arrive (a new
 *   connection that sends nothing counts as a request not yet arrived). Node checks them
 *   every 30 s (`connectionsCheckingInterval`), so they are backstops; the MCP body has its
 *   own, exact deadline (BODY_READ_TIMEOUT_MS, 408). Neither counts while an answer is
 *   written: an SSE response lasts as long as it needs.
 * - `keepAliveTimeout` keeps idle connections open longer than a load balancer's idle timeout.
 * - `maxConnections`: connections beyond the cap are closed as they arrive (the server keeps
 *   answering those it holds, and new ones once some close).
 * - A lingering close: when the app refuses a request before its body has arrived (it answers
 *   with `Connection: close`), Node would destroy the socket as soon as the answer is written,
 *   and a client still sending its body then gets a reset (ECONNRESET), often before it reads
 *   the answer. Instead the socket half-closes after the answer, reads and discards what the
 *   client still sends for up to `lingerMs`, and is destroyed when the client closes its end
 *   or that time is up (nginx's lingering close).
 */
export function applyServerLimits(
  server: Server,
  limits: ServerLimits,
  options: ServerLimitsOptions = {},
): void {
  server.headersTimeout = limits.HEADERS_TIMEOUT_MS;
  server.requestTimeout = limits.REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = limits.KEEP_ALIVE_TIMEOUT_MS;
  server.maxConnections = limits.MAX_CONNECTIONS;

  const { logger, lingerMs = 2_000 } = options;
  if (logger) {
    let dropped = 0;
    let lastLogAt = Number.NEGATIVE_INFINITY;
    server.on('drop', () => {
      dropped++;
      if (performance.now() - lastLogAt < DROP_LOG_INTERVAL_MS) return;
      lastLogAt = performance.now();
      logger.warn(
        { maxConnections: limits.MAX_CONNECTIONS, dropped },
        'connection cap reached: new connections are closed as they arrive',
      );
      dropped = 0;
    });
  }

  // The request each connection is on, to tell whether its body is still arriving.
  const current = new WeakMap<Socket, IncomingMessage>();
  server.on('request', (request: IncomingMessage) => current.set(request.socket, request));
  server.on('connection', (socket: Socket) => {
    // Node closes a connection after a `Connection: close` answer with `destroySoon()`: end,
    // then destroy once the answer is flushed. This socket lingers instead while its
    // request's body is still arriving.
    const destroySoon = socket.destroySoon.bind(socket);
    let lingering = false;
    socket.destroySoon = () => {
      const request = current.get(socket);
      if (lingering) return;
      if (request === undefined || request.complete) {
        destroySoon();
        return;
      }
      lingering = true;
      lingeringClose(socket, request, lingerMs);
    };
  });
}

function lingeringClose(socket: Socket, request: IncomingMessage, lingerMs: number): void {
  socket.end(); // after the answer: the client reads it, then sees the end of the stream
  // Keep reading the rest of the body, and drop it: unread bytes at close mean a reset.
  request.resume();
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
