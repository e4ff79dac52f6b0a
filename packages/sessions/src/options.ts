import type { Logger } from '@mcp-runway/logging';
import type { McpServer, ServerEventBus } from '@modelcontextprotocol/server';
import type { SessionEventStores } from './events/types.js';
import type { SessionLimits } from './policy.js';
import type { SessionEvent } from './stats.js';
import type { SessionStore } from './store/types.js';

/** Every option but the factory may be `undefined` (its default), so config can pass through. */
export interface SessionRegistryOptions {
  /** Builds the McpServer of one session (`serverModule.createServerFactory()` of the app's server). */
  factory: () => McpServer;
  /**
   * Sessions this instance holds (live or dormant); beyond it the least recently used dormant
   * one gives way to a new one, else initialize gets 503. @default 10_000
   */
  maxSessions?: number | undefined;
  /**
   * Sessions one principal (or, anonymous, one client address: see HandleOptions.tenant) may
   * hold here; its initialize beyond gets 429 unless one of its own sessions is dormant and
   * gives way (SESSION_MAX_PER_PRINCIPAL). @default a tenth of maxSessions, at least 1
   */
  maxSessionsPerPrincipal?: number | undefined;
  /**
   * The most a session keeps of its client's initialize (protocol version, capabilities,
   * client name and version, as JSON); a larger one is refused with 400, -32602
   * (SESSION_INITIALIZE_MAX_BYTES). @default 8192
   */
  maxInitializeBytes?: number | undefined;
  /** A session unused this long ends (SESSION_IDLE_TIMEOUT_MS). @default 1_800_000 (30 min) */
  idleTimeoutMs?: number | undefined;
  /** A session ends this long after initialize (SESSION_MAX_LIFETIME_MS). @default 86_400_000 (24 h) */
  maxLifetimeMs?: number | undefined;
  /**
   * A session idle this long (no request, no open stream, nothing running) closes its
   * McpServer and transport and keeps only its record; its next request rebuilds them by
   * replaying initialize. `Infinity` keeps every session live. @default 60_000
   */
  dormantAfterMs?: number | undefined;
  /** Session records. @default in memory (MemorySessionStore); RedisSessionStore to share them */
  store?: SessionStore | undefined;
  /**
   * Events for resuming dropped SSE streams (Last-Event-ID). `false` turns resumability off.
   * @default in memory (MemoryEventStores); RedisEventStores to resume on any instance
   */
  eventStores?: SessionEventStores | false | undefined;
  /** SSE `retry` hint sent to clients: how soon they reconnect a dropped stream. @default 1000 */
  retryIntervalMs?: number | undefined;
  /** SSE keep-alive comment interval. @default the SDK's (15 s) */
  keepAliveMs?: number | undefined;
  /** How often the one sweep timer runs. @default half the shorter of idle and dormant, 1-30 s */
  sweepIntervalMs?: number | undefined;
  /** Body limit when `handle` reads the body itself (no parsedBody). @default 4 MiB */
  maxBodyBytes?: number | undefined;
  /**
   * Change events (`resource_updated`, `tools_list_changed`, ...) for the live sessions: each
   * goes out on the GET stream of every session it concerns. Pass the app's bus (the one
   * `createMcpHandler` has) so both eras hear the same changes. @default none: no forwarding
   */
  bus?: ServerEventBus | undefined;
  /** Resources one session may `resources/subscribe` to at once. @default 100 */
  maxSubscriptionsPerSession?: number | undefined;
  /** Resource subscriptions this instance keeps, every session together. @default 100_000 */
  maxSubscriptions?: number | undefined;
  logger?: Logger | undefined;
  /** Every session event (created, evicted, ...): for metrics. Must not throw. */
  onEvent?: ((event: SessionEvent) => void) | undefined;
  /** The clock; tests pass their own. @default Date.now */
  now?: (() => number) | undefined;
}

export interface RegistryConfig {
  factory: () => McpServer;
  limits: SessionLimits;
  maxLifetimeMs: number;
  maxSessions: number;
  maxSessionsPerPrincipal: number;
  maxInitializeBytes: number;
  sweepIntervalMs: number;
  retryIntervalMs: number;
  keepAliveMs: number | undefined;
  maxBodyBytes: number;
  bus: ServerEventBus | undefined;
  maxSubscriptionsPerSession: number;
  maxSubscriptions: number;
  now: () => number;
  logger: Logger | undefined;
  onEvent: ((event: SessionEvent) => void) | undefined;
  ownsStore: boolean;
  ownsEvents: boolean;
}

function positive(name: string, value: number): number {
  if (!(value > 0)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

export function resolveOptions(options: SessionRegistryOptions): RegistryConfig {
  const idleTimeoutMs = positive('idleTimeoutMs', options.idleTimeoutMs ?? 1_800_000);
  const dormantAfterMs = positive('dormantAfterMs', options.dormantAfterMs ?? 60_000);
  const maxLifetimeMs = positive('maxLifetimeMs', options.maxLifetimeMs ?? 86_400_000);
  const shortest = Math.min(idleTimeoutMs, dormantAfterMs);
  const maxSessions = positive('maxSessions', options.maxSessions ?? 10_000);
  return {
    factory: options.factory,
    limits: { idleTimeoutMs, maxLifetimeMs, dormantAfterMs },
    maxLifetimeMs,
    maxSessions,
    maxSessionsPerPrincipal: positive(
      'maxSessionsPerPrincipal',
      options.maxSessionsPerPrincipal ?? Math.max(1, Math.ceil(maxSessions / 10)),
    ),
    maxInitializeBytes: positive('maxInitializeBytes', options.maxInitializeBytes ?? 8_192),
    sweepIntervalMs: positive(
      'sweepIntervalMs',
      options.sweepIntervalMs ?? Math.min(30_000, Math.max(1_000, shortest / 2)),
    ),
    retryIntervalMs: options.retryIntervalMs ?? 1_000,
    keepAliveMs: options.keepAliveMs,
    maxBodyBytes: options.maxBodyBytes ?? 4 * 1024 * 1024,
    bus: options.bus,
    maxSubscriptionsPerSession: positive(
      'maxSubscriptionsPerSession',
      options.maxSubscriptionsPerSession ?? 100,
    ),
    maxSubscriptions: positive('maxSubscriptions', options.maxSubscriptions ?? 100_000),
    now: options.now ?? Date.now,
    logger: options.logger,
    onEvent: options.onEvent,
    ownsStore: options.store === undefined,
    ownsEvents: options.eventStores === undefined,
  };
}
