/**
 * Sessions' McpServer and transport: a new one for initialize, a rebuilt one (the stored
 * initialize replayed) for a session that went dormant or was started elsewhere, and one HTTP
 * exchange served on them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@mcp-runway/logging';
import type { AuthInfo, McpServer } from '@modelcontextprotocol/server';
import { SessionNotFoundError } from './errors.js';
import type { SessionEventStores } from './events/types.js';
import { sendFetchResponse, toFetchRequest } from './node-bridge.js';
import { logLevelSetBy } from './route.js';
import type { LocalSession } from './session.js';
import type { SessionStore } from './store/types.js';
import type { SessionTable } from './table.js';
import { primeRuntime, type Runtime, startRuntime, stopRuntime } from './transport.js';
import { throttledWarning } from './warn.js';

export interface HandleOptions {
  /** The verified principal's id; undefined for anonymous. A session only serves its creator. */
  principal?: string | undefined;
  /**
   * Whose share of the table (maxSessionsPerPrincipal) a new session counts against. The
   * Express pipeline passes its rate-limit key: `principal:<id>`, else `ip:<client address>`
   * (believing X-Forwarded-For only as far as TRUST_PROXY says).
   * @default `principal:<principal>`, else `ip:<the socket's remote address>`
   */
  tenant?: string | undefined;
  /** Given to tools as `ctx.http.authInfo`. @default req.auth, as the SDK's Node transport reads it */
  authInfo?: AuthInfo | undefined;
  /**
   * Takes the transport's answer before it is written, and returns the one to write: the
   * pipeline answers a call still running at the shutdown deadline with an error this way
   * (`answerByDeadline`). @default the answer as it is
   */
  answer?: ((response: Promise<Response>) => Promise<Response>) | undefined;
}

export interface RuntimesOptions {
  factory: () => McpServer;
  store: SessionStore;
  events: SessionEventStores | undefined;
  retryIntervalMs: number;
  keepAliveMs: number | undefined;
  logger: Logger | undefined;
  /** Told of each new runtime's server before it serves (subscriptions install their handlers). */
  onServer?: ((sessionId: string, server: McpServer) => void) | undefined;
}

export class Runtimes {
  // One function for every session, rather than a closure each.
  private readonly onEventStoreError: (error: unknown) => void;

  constructor(
    private readonly table: SessionTable,
    private readonly options: RuntimesOptions,
  ) {
    this.onEventStoreError = throttledWarning(
      options.logger,
      'event store write failed: those events cannot be replayed',
    );
  }

  /** A fresh runtime for a new session (its initialize is still to come). */
  async start(sessionId: string): Promise<Runtime> {
    const { factory, events, retryIntervalMs, keepAliveMs, onServer } = this.options;
    const runtime = await startRuntime(sessionId, {
      factory,
      retryIntervalMs,
      keepAliveMs,
      eventStore: events?.forSession(sessionId),
      onEventStoreError: this.onEventStoreError,
    });
    onServer?.(sessionId, runtime.server);
    return runtime;
  }

  /** The session's runtime; rebuilt once (however many requests wait) when it has none. */
  wake(session: LocalSession): Promise<Runtime> {
    return session.wake(this.rebuild);
  }

  // An arrow property: one function for every session's wake, rather than a closure each.
  private readonly rebuild = async (session: LocalSession): Promise<Runtime> => {
    if (session.ended) throw new SessionNotFoundError();
    const runtime = await this.start(session.id);
    try {
      await primeRuntime(runtime, session.id, session);
    } catch (error) {
      // This server no longer accepts the client's initialize: a new session is the way on.
      this.options.logger?.warn({ err: error, sessionId: session.id }, 'session cannot be rebuilt');
      await stopRuntime(runtime);
      await this.table.end(session, 'deleted');
      throw new SessionNotFoundError({ cause: error });
    }
    if (session.ended) {
      await stopRuntime(runtime);
      throw new SessionNotFoundError();
    }
    session.attach(runtime);
    this.table.emit('woken', session);
    return runtime;
  };

  /** Hands one HTTP exchange to the session's transport and writes its answer. */
  async serve(
    session: LocalSession,
    runtime: Runtime,
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    options: HandleOptions,
  ): Promise<void> {
    const authInfo = options.authInfo ?? (req as IncomingMessage & { auth?: AuthInfo }).auth;
    const answer = runtime.transport.handleRequest(toFetchRequest(req), {
      ...(body !== undefined && { parsedBody: body }),
      ...(authInfo !== undefined && { authInfo }),
    });
    const response = await (options.answer ? options.answer(answer) : answer);
    const level = logLevelSetBy(body);
    if (level !== undefined && response.ok) this.rememberLogLevel(session, level);
    await sendFetchResponse(res, response);
  }

  // Part of the state a rebuilt session replays (primeRuntime).
  private rememberLogLevel(session: LocalSession, level: string): void {
    session.rememberLogLevel(level);
    this.options.store.setLogLevel(session.id, level).catch((error: unknown) => {
      this.options.logger?.warn({ err: error, sessionId: session.id }, 'log level not stored');
    });
  }
}
