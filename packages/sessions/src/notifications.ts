/**
 * Change notifications for 2025 sessions. The app's event bus (`ServerEventBus`, over Redis
 * when instances share one) carries what changed; this instance forwards each event to the
 * live sessions it holds, on their GET stream:
 *
 * - `*_list_changed` to every live session;
 * - `resource_updated` only to the sessions that sent `resources/subscribe` for that URI.
 *
 * The subscriptions are kept here, per session id (so they outlive a dormant session's
 * runtime), bounded per session and in total, and forgotten when the session ends. They are
 * not in the shared record: a session carried on by another instance subscribes again.
 * `resources/subscribe` and `resources/unsubscribe` are answered here, for every session whose
 * server declares `capabilities.resources.subscribe`; the MCP server only publishes changes.
 */
import {
  type McpServer,
  ProtocolError,
  ProtocolErrorCode,
  type ServerEvent,
  type ServerEventBus,
} from '@modelcontextprotocol/server';
import type { LocalSession } from './session.js';

export interface SessionNotificationsOptions {
  /** Every session this instance holds, asked at each `*_list_changed` event. */
  sessions: () => Iterable<LocalSession>;
  /** One session by id, for the few a `resource_updated` concerns. */
  session: (id: string) => LocalSession | undefined;
  /** URIs one session may subscribe to at once. */
  maxPerSession: number;
  /** Subscriptions this instance keeps, all sessions together. */
  maxTotal: number;
  /** A notification that could not be sent (the session's server refused it, or closed). */
  onError?: ((error: unknown) => void) | undefined;
}

export class SessionNotifications {
  /** Session id -> the URIs it subscribed to. */
  private readonly bySession = new Map<string, Set<string>>();
  private total = 0;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: SessionNotificationsOptions) {}

  /** How many subscriptions this instance keeps. */
  get size(): number {
    return this.total;
  }

  /** The URIs a session subscribed to (empty when none). */
  subscriptionsOf(sessionId: string): readonly string[] {
    return [...(this.bySession.get(sessionId) ?? [])];
  }

  /** Starts forwarding the bus's events; `stop()` ends it. */
  listen(bus: ServerEventBus): void {
    this.unsubscribe ??= bus.subscribe((event) => this.deliver(event));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Answers `resources/subscribe` and `unsubscribe` on a session's new server, if it offers them. */
  install(sessionId: string, server: McpServer): void {
    if (server.server.getCapabilities().resources?.subscribe !== true) return;
    server.server.setRequestHandler('resources/subscribe', (request) => {
      this.add(sessionId, request.params.uri);
      return {};
    });
    server.server.setRequestHandler('resources/unsubscribe', (request) => {
      this.remove(sessionId, request.params.uri);
      return {};
    });
  }

  /** The session ended: its subscriptions go. */
  forget(sessionId: string): void {
    const uris = this.bySession.get(sessionId);
    if (!uris) return;
    this.total -= uris.size;
    this.bySession.delete(sessionId);
  }

  private add(sessionId: string, uri: string): void {
    const uris = this.bySession.get(sessionId) ?? new Set<string>();
    if (uris.has(uri)) return;
    const { maxPerSession, maxTotal } = this.options;
    if (uris.size >= maxPerSession || this.total >= maxTotal) {
      const which = uris.size >= maxPerSession ? `${maxPerSession} per session` : 'this server';
      throw new ProtocolError(
        ProtocolErrorCode.InternalError,
        `Subscription limit reached (${which}): unsubscribe from another resource first`,
      );
    }
    uris.add(uri);
    this.bySession.set(sessionId, uris);
    this.total++;
  }

  private remove(sessionId: string, uri: string): void {
    const uris = this.bySession.get(sessionId);
    if (!uris?.delete(uri)) return;
    this.total--;
    if (uris.size === 0) this.bySession.delete(sessionId);
  }

  private deliver(event: ServerEvent): void {
    if (event.kind === 'resource_updated') {
      // Only the sessions subscribed to that URI: no walk over every session.
      for (const [id, uris] of this.bySession) {
        if (!uris.has(event.uri)) continue;
        this.send(this.options.session(id), (server) =>
          server.sendResourceUpdated({ uri: event.uri }),
        );
      }
      return;
    }
    for (const session of this.options.sessions()) {
      this.send(session, (server) => {
        if (event.kind === 'tools_list_changed') return server.sendToolListChanged();
        if (event.kind === 'prompts_list_changed') return server.sendPromptListChanged();
        return server.sendResourceListChanged();
      });
    }
  }

  private send(
    session: LocalSession | undefined,
    notify: (server: McpServer['server']) => Promise<void>,
  ): void {
    const server = session?.runtime?.server.server;
    // Dormant sessions have no stream to send on (a session with an open GET stream is live).
    if (server === undefined || session?.ended) return;
    try {
      notify(server).catch((error: unknown) => this.options.onError?.(error));
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
