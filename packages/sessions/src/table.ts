/**
 * The sessions this instance holds and their lifecycle: capacity (the table's and each
 * principal's share of it, making room from dormant sessions), one sweep for every session
 * (expiry, idle eviction, dormancy, checking the shared records), and ending a session, which
 * always closes its McpServer and transport.
 */
import type { Logger } from '@mcp-runway/logging';
import { PrincipalSessionLimitError, SessionLimitError } from './errors.js';
import type { SessionEventStores } from './events/types.js';
import {
  freesAt,
  lifecycleAction,
  reclaimable,
  recordTtlMs,
  retryAfterSeconds,
  type SessionLimits,
} from './policy.js';
import { SharedRecords } from './records.js';
import { clockOf, type LocalSession } from './session.js';
import {
  type Counters,
  type EndReason,
  newCounters,
  type SessionEvent,
  type SessionStats,
  statsOf,
} from './stats.js';
import type { SessionRecord, SessionStore } from './store/types.js';
import { stopRuntime } from './transport.js';

export interface SessionTableOptions {
  limits: SessionLimits;
  maxSessions: number;
  maxSessionsPerPrincipal: number;
  sweepIntervalMs: number;
  store: SessionStore;
  events: SessionEventStores | undefined;
  now: () => number;
  logger: Logger | undefined;
  onEvent: ((event: SessionEvent) => void) | undefined;
  /** Told of every session that ends here, whatever the reason. */
  onEnded?: ((sessionId: string) => void) | undefined;
}

export class SessionTable {
  private readonly sessions = new Map<string, LocalSession>();
  /** The same sessions by tenant, for each one's share; a tenant with none has no entry. */
  private readonly byTenant = new Map<string, Set<LocalSession>>();
  readonly counters: Counters = newCounters();
  private lastForcedSweep = Number.NEGATIVE_INFINITY;
  /** A sweep's refresh is under way: the next sweep does not start another. */
  private refreshing = false;

  readonly records: SharedRecords;

  constructor(private readonly options: SessionTableOptions) {
    const { store, limits, sweepIntervalMs, logger } = options;
    this.records = new SharedRecords(store, limits.idleTimeoutMs, sweepIntervalMs, logger, (s) =>
      this.emit('restored', s),
    );
  }

  get size(): number {
    return this.sessions.size;
  }

  all(): LocalSession[] {
    return [...this.sessions.values()];
  }

  get(id: string): LocalSession | undefined {
    return this.sessions.get(id);
  }

  stats(): SessionStats {
    return statsOf(this.sessions.values(), this.counters);
  }

  add(session: LocalSession): void {
    this.sessions.set(session.id, session);
    const own = this.byTenant.get(session.tenant);
    if (own) own.add(session);
    else this.byTenant.set(session.tenant, new Set([session]));
  }

  private remove(session: LocalSession): void {
    this.sessions.delete(session.id);
    const own = this.byTenant.get(session.tenant);
    own?.delete(session);
    if (own?.size === 0) this.byTenant.delete(session.tenant);
  }

  emit(
    type: SessionEvent['type'],
    session?: {
      id: string;
      principal: string | undefined;
      createdAt?: number;
      initialize?: string;
    },
    principal?: string,
  ): void {
    this.counters[type]++;
    if (!this.options.onEvent) return;
    try {
      this.options.onEvent({
        type,
        sessionId: session?.id,
        principal: session ? session.principal : principal,
        createdAt: session?.createdAt,
        protocolVersion: protocolVersionOf(session?.initialize),
      });
    } catch (error) {
      // A metrics hook must never break a request or the sweep.
      this.options.logger?.error({ err: error }, 'session onEvent hook threw');
    }
  }

  /**
   * Makes room for one more session of `tenant` (a new one, or one taken over from another
   * instance) or throws. It must fit in its tenant's share: beyond it, the tenant's own least
   * recently used dormant session gives way, else PrincipalSessionLimitError (429). And in
   * the table: when full, the table's least recently used dormant session gives way, else
   * SessionLimitError (503). Both say, in Retry-After, the soonest a place can free up by the
   * rules (seconds, while sessions are idle); a DELETE frees one at once.
   */
  admit(now: number, tenant: string, principal: string | undefined): void {
    const { maxSessions, maxSessionsPerPrincipal } = this.options;
    const own = this.byTenant.get(tenant);
    if (own && own.size >= maxSessionsPerPrincipal && !this.reclaim(own, now)) {
      this.emit('refused', undefined, principal);
      throw new PrincipalSessionLimitError(maxSessionsPerPrincipal, this.retryAfter(own, now));
    }
    if (this.sessions.size < maxSessions) return;
    // Expired sessions may be waiting for the next sweep; sweep now, at most once a second.
    if (now - this.lastForcedSweep >= 1000) {
      this.lastForcedSweep = now;
      this.sweep(now);
      if (this.sessions.size < maxSessions) return;
    }
    if (this.reclaim(this.sessions.values(), now)) return;
    this.emit('refused', undefined, principal);
    throw new SessionLimitError(this.retryAfter(this.sessions.values(), now));
  }

  /** Ends the least recently used reclaimable session among `sessions`; false when none is. */
  private reclaim(sessions: Iterable<LocalSession>, now: number): boolean {
    const { limits } = this.options;
    let oldest: LocalSession | undefined;
    for (const session of sessions) {
      if (session.waking || !reclaimable(clockOf(session), now, limits)) continue;
      if (!oldest || session.lastActive < oldest.lastActive) oldest = session;
    }
    if (!oldest) return false;
    // Leaves the table at once; closing it and its record follow in the background.
    void this.end(oldest, 'evicted');
    return true;
  }

  private retryAfter(sessions: Iterable<LocalSession>, now: number): number {
    let soonest = Number.POSITIVE_INFINITY;
    for (const session of sessions) {
      soonest = Math.min(soonest, freesAt(clockOf(session), now, this.options.limits));
    }
    return retryAfterSeconds(soonest, now);
  }

  /** Applies the lifecycle rules to every session; run by the registry's one timer. */
  sweep(now = this.options.now()): void {
    const { limits } = this.options;
    const held: LocalSession[] = [];
    for (const session of this.sessions.values()) {
      const clock = clockOf(session);
      const action = lifecycleAction(clock, now, limits);
      if (action === 'expire' || action === 'evict') {
        void this.end(session, action === 'expire' ? 'expired' : 'evicted');
        continue;
      }
      if (action === 'hibernate') void this.hibernate(session);
      held.push(session);
    }
    if (held.length > 0 && !this.refreshing) void this.refresh(held, now);
  }

  /**
   * Refreshes the shared record of a session used now; false (and the session ended) when it
   * was deleted elsewhere. A record the store lost is written back.
   */
  async touch(session: LocalSession, now: number): Promise<boolean> {
    const [liveness] = await this.records.keep([session], now);
    if (liveness !== 'deleted') return true;
    await this.end(session, 'gone');
    return false;
  }

  /**
   * The sweep's check of every record held here (one round trip): a session in use for longer
   * than its record's TTL must not look abandoned elsewhere; a deletion seen elsewhere ends the
   * copy here; a record the store lost (Redis restarted empty) is written back, idle sessions'
   * too, so that other instances can carry them on.
   */
  private async refresh(sessions: LocalSession[], now: number): Promise<void> {
    this.refreshing = true;
    try {
      const liveness = await this.records.keep(sessions, now, (s) =>
        s.active ? now : s.lastActive,
      );
      await Promise.all(
        sessions.map((s, i) => (liveness[i] === 'deleted' ? this.end(s, 'gone') : undefined)),
      );
    } finally {
      this.refreshing = false;
    }
  }

  /**
   * Ends a session held on another instance, from its record (a DELETE that reached this one):
   * nothing to take over, so no room needed here. The tombstone tells the holder.
   */
  async endRecord(id: string, record: SessionRecord): Promise<void> {
    const { store, events, limits, sweepIntervalMs, now } = this.options;
    const ttlMs = recordTtlMs(now(), record.expiresAt, limits.idleTimeoutMs, sweepIntervalMs);
    this.emit('deleted', { id, principal: record.principal });
    await store.delete(id, ttlMs);
    events?.endSession(id);
  }

  /** Hands back a session's server and transport; its next request rebuilds them. */
  async hibernate(session: LocalSession): Promise<void> {
    if (session.waking) return;
    const runtime = session.detach();
    if (!runtime) return;
    this.emit('dormant', session);
    this.options.events?.compactSession?.(session.id);
    await stopRuntime(runtime).catch((error: unknown) => {
      this.options.logger?.warn(
        { err: error, sessionId: session.id },
        'closing a dormant session failed',
      );
    });
  }

  /**
   * Ends a session here, closing its server and transport. Deleted and expired sessions end
   * everywhere (their record becomes a tombstone, for the instances holding a copy); an
   * evicted one only if nobody used it elsewhere since (see deleteIfIdle); `closed` (shutdown)
   * and `gone` leave the shared record to the other instances. `failed`: an initialize the SDK
   * refused, never counted; nobody else can hold it, so no tombstone.
   */
  async end(session: LocalSession, reason: EndReason | 'failed'): Promise<void> {
    if (!session.markEnded()) return;
    this.remove(session);
    this.options.onEnded?.(session.id);
    const runtime = session.detach();
    if (reason !== 'failed') this.emit(reason, session);
    const { store, events } = this.options;
    const tombstoneTtlMs = this.records.ttlMs(session, this.options.now());
    const work: Promise<unknown>[] = [];
    if (runtime) work.push(stopRuntime(runtime));
    if (reason === 'deleted' || reason === 'expired' || reason === 'failed') {
      work.push(store.delete(session.id, reason === 'failed' ? undefined : tombstoneTtlMs));
      events?.endSession(session.id);
    } else if (reason === 'evicted') {
      work.push(
        store.deleteIfIdle(session.id, session.lastActive, tombstoneTtlMs).then((deleted) => {
          if (deleted) events?.endSession(session.id);
        }),
      );
    }
    for (const result of await Promise.allSettled(work)) {
      if (result.status === 'rejected') {
        this.options.logger?.warn(
          { err: result.reason, sessionId: session.id },
          'ending a session failed',
        );
      }
    }
  }
}

/** The protocol version a session's kept initialize asked for (what its metrics are labelled with). */
function protocolVersionOf(initialize: string | undefined): string | undefined {
  if (initialize === undefined) return undefined;
  try {
    const kept = JSON.parse(initialize) as { params?: { protocolVersion?: unknown } };
    const version = kept.params?.protocolVersion;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}
