/**
 * The 2025-era session registry: a bounded set of SDK sessions, each bound to the principal
 * that created it, resumable on any instance that shares its store. Framework-neutral: it
 * takes Node's request and response, writes successful answers itself, and throws RunwayErrors
 * (before writing anything) for the app's error mapper to render.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SessionsUnavailableError } from './errors.js';
import { MemoryEventStores } from './events/memory.js';
import type { SessionEventStores } from './events/types.js';
import { keptInitialize } from './initialize.js';
import { SessionLocator } from './locate.js';
import { readJsonBody } from './node-bridge.js';
import { SessionNotifications } from './notifications.js';
import { type RegistryConfig, resolveOptions, type SessionRegistryOptions } from './options.js';
import { type JsonRpcObject, routeSessionRequest } from './route.js';
import { type HandleOptions, Runtimes } from './runtimes.js';
import { LocalSession } from './session.js';
import { newSessionId, sessionIdOf } from './session-id.js';
import type { SessionStats } from './stats.js';
import { MemorySessionStore } from './store/memory.js';
import type { SessionRecord, SessionStore } from './store/types.js';
import { SessionTable } from './table.js';
import { throttledWarning } from './warn.js';

/** Whose share of the table a session counts in, when the caller does not say (HandleOptions.tenant). */
function tenantOf(req: IncomingMessage, principal: string | undefined): string {
  return principal !== undefined
    ? `principal:${principal}`
    : `ip:${req.socket.remoteAddress ?? 'unknown'}`;
}

export interface CloseAllOptions {
  /**
   * How long requests in flight may run before their sessions close anyway. @default 0, or
   * no limit of its own with `until`
   */
  graceMs?: number;
  /**
   * Requests in flight may run until this aborts (a shutdown's deadline, `drain.deadline`).
   * Whoever aborts it answers those requests first; their sessions close after.
   */
  until?: AbortSignal;
}

export class SessionRegistry {
  private readonly config: RegistryConfig;
  private readonly table: SessionTable;
  private readonly store: SessionStore;
  private readonly events: SessionEventStores | undefined;
  private readonly locator: SessionLocator;
  private readonly runtimes: Runtimes;
  /** Resource subscriptions and change notifications (the bus's events) for live sessions. */
  readonly notifications: SessionNotifications;
  private readonly timer: NodeJS.Timeout;
  private draining = false;

  constructor(options: SessionRegistryOptions) {
    this.config = resolveOptions(options);
    this.store = options.store ?? new MemorySessionStore({ now: this.config.now });
    this.events =
      options.eventStores === false
        ? undefined
        : (options.eventStores ?? new MemoryEventStores({ now: this.config.now }));
    this.notifications = new SessionNotifications({
      sessions: () => this.table.all(),
      session: (id) => this.table.get(id),
      maxPerSession: this.config.maxSubscriptionsPerSession,
      maxTotal: this.config.maxSubscriptions,
      onError: throttledWarning(this.config.logger, 'a change notification could not be sent'),
    });
    this.table = new SessionTable({
      ...this.config,
      store: this.store,
      events: this.events,
      onEnded: (id) => this.notifications.forget(id),
    });
    const { limits, now } = this.config;
    this.locator = new SessionLocator(this.table, this.store, limits, now);
    this.runtimes = new Runtimes(this.table, {
      ...this.config,
      store: this.store,
      events: this.events,
      onServer: (id, server) => this.notifications.install(id, server),
    });
    if (this.config.bus) this.notifications.listen(this.config.bus);
    this.timer = setInterval(() => this.table.sweep(), this.config.sweepIntervalMs);
    this.timer.unref();
  }

  /** Counters and gauges for the metrics layer (`onEvent` reports each change as it happens). */
  get stats(): SessionStats {
    return this.table.stats();
  }

  /** Runs the lifecycle rules now (the timer does every `sweepIntervalMs`). */
  sweep(): void {
    this.table.sweep();
  }

  /**
   * Serves one request to the session endpoint: POST initialize starts a session; POST and
   * GET with Mcp-Session-Id go to that session's transport; DELETE ends the session.
   * `parsedBody` is the JSON body of a POST (read from `req` when undefined).
   */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    parsedBody: unknown,
    options: HandleOptions = {},
  ): Promise<void> {
    try {
      await this.dispatch(req, res, parsedBody, options);
    } catch (error) {
      // Errors are for the caller to render, which it can only do before the answer started.
      if (!res.headersSent) throw error;
      this.config.logger?.error({ err: error }, 'session request failed mid-response');
      res.destroy();
    }
  }

  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    parsedBody: unknown,
    options: HandleOptions,
  ): Promise<void> {
    if (this.draining) throw new SessionsUnavailableError('Server is shutting down: retry shortly');
    const httpMethod = (req.method ?? 'GET').toUpperCase();
    const body =
      httpMethod === 'POST' && parsedBody === undefined
        ? await readJsonBody(req, this.config.maxBodyBytes)
        : parsedBody;
    const route = routeSessionRequest({ httpMethod, sessionId: sessionIdOf(req.headers), body });
    if (route.action === 'refuse') throw route.error;
    const { principal } = options;
    const tenant = options.tenant ?? tenantOf(req, principal);
    if (route.action === 'create') {
      return this.create(req, res, route.initialize, { ...options, tenant });
    }
    if (route.action === 'end') {
      await this.locator.end(route.sessionId, principal);
      res.writeHead(200).end();
      return;
    }
    const session = await this.locator.find(route.sessionId, principal, tenant);
    session.beginExchange(this.config.now());
    try {
      const runtime = await this.runtimes.wake(session);
      await this.runtimes.serve(session, runtime, req, res, body, options);
    } finally {
      session.endExchange(this.config.now());
    }
  }

  private async create(
    req: IncomingMessage,
    res: ServerResponse,
    initialize: JsonRpcObject,
    options: HandleOptions & { tenant: string },
  ): Promise<void> {
    const { now, maxLifetimeMs, maxInitializeBytes } = this.config;
    // Refused (400) before anything is held: the kept part is all a session keeps of it.
    const kept = keptInitialize(initialize, maxInitializeBytes);
    const createdAt = now();
    this.table.admit(createdAt, options.tenant, options.principal);
    const id = newSessionId();
    const record: SessionRecord = {
      principal: options.principal,
      createdAt,
      expiresAt: createdAt + maxLifetimeMs,
      initialize: kept.json,
      logLevel: undefined,
    };
    const session = new LocalSession(id, record, createdAt, options.tenant);
    // Added before the first await, so concurrent initializes cannot overfill the registry.
    this.table.add(session);
    session.beginExchange(createdAt);
    try {
      // Stored before the client learns the id: it is resumable elsewhere from the start.
      await this.store
        .create(id, record, this.table.records.ttlMs(session, createdAt))
        .catch((cause) => {
          throw new SessionsUnavailableError('Session store unavailable: retry shortly', { cause });
        });
      const runtime = await this.runtimes.start(id);
      session.attach(runtime);
      await this.runtimes.serve(session, runtime, req, res, kept.request, options);
    } catch (error) {
      await this.table.end(session, 'failed');
      throw error;
    } finally {
      session.endExchange(now());
    }
    // The SDK answered 400 (an invalid initialize) without starting a session.
    if (session.runtime?.transport.sessionId === undefined) await this.table.end(session, 'failed');
    else if (!session.ended) this.table.emit('created', session);
  }

  /**
   * Graceful drain: refuses new requests (503), closes the GET streams (clients reconnect,
   * to another instance behind a load balancer), lets requests in flight finish for up to
   * `graceMs` or until `until` aborts, then closes every session's server and transport.
   * Shared records stay, so other instances carry the sessions on. Closes the stores the
   * registry created itself.
   */
  async closeAll(options: CloseAllOptions = {}): Promise<void> {
    this.draining = true;
    clearInterval(this.timer);
    this.notifications.stop();
    // The GET streams first: their clients reconnect, elsewhere behind a load balancer.
    for (const session of this.table.all()) session.runtime?.transport.closeStandaloneSSEStream();
    const { until } = options;
    const deadline = Date.now() + (options.graceMs ?? (until ? Number.POSITIVE_INFINITY : 0));
    const waiting = () =>
      this.table.all().some((session) => session.active) &&
      Date.now() < deadline &&
      !until?.aborted;
    while (waiting()) await new Promise((resolve) => setTimeout(resolve, 20));
    await Promise.all(this.table.all().map((session) => this.table.end(session, 'closed')));
    if (this.config.ownsStore) await this.store.close();
    if (this.config.ownsEvents) await this.events?.close();
  }
}
