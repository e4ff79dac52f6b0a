/**
 * The sessions this instance holds and their lifecycle: capacity, one sweep for every
 * session (expiry, idle eviction, dormancy, refreshing the shared records of busy ones),
 * and ending a session, which always closes its McpServer and transport.
 */
import type { Logger } from '@mcp-runway/logging';
import { SessionLimitError } from './errors.js';
import type { SessionEventStores } from './events/types.js';
import { lifecycleAction, nextDeadline, retryAfterSeconds, type SessionLimits } from './policy.js';
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
import type { SessionStore } from './store/types.js';
import { stopRuntime } from './transport.js';

export interface SessionTableOptions {
  limits: SessionLimits;
  maxSessions: number;
  sweepIntervalMs: number;
  store: SessionStore;
  events: SessionEventStores | undefined;
  now: () => number;
  logger: Logger | undefined;
  onEvent: ((event: SessionEvent) => void) | undefined;
}

export class SessionTable {
  private readonly sessions = new Map<string, LocalSession>();
  readonly counters: Counters = newCounters();
  private earliestDeadline = Number.POSITIVE_INFINITY;
  private lastForcedSweep = Number.NEGATIVE_INFINITY;

  readonly records: SharedRecords;

  constructor(private readonly options: SessionTableOptions) {
    const { store, limits, sweepIntervalMs, logger } = options;
    this.records = new SharedRecords(store, limits.idleTimeoutMs, sweepIntervalMs, logger);
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
  }

  emit(type: SessionEvent['type'], session?: LocalSession, principal?: string): void {
    this.counters[type]++;
    try {
      this.options.onEvent?.({
        type,
        sessionId: session?.id,
        principal: session ? session.principal : principal,
      });
    } catch (error) {
      // A metrics hook must never break a request or the sweep.
      this.options.logger?.error({ err: error }, 'session onEvent hook threw');
    }
  }

  /** Throws SessionLimitError (503, Retry-After) when no session may be added. */
  ensureCapacity(now: number, principal: string | undefined): void {
    const { maxSessions } = this.options;
    if (this.sessions.size < maxSessions) return;
    // Expired sessions may be waiting for the next sweep; sweep now, at most once a second.
    if (now - this.lastForcedSweep >= 1000) {
      this.lastForcedSweep = now;
      this.sweep(now);
      if (this.sessions.size < maxSessions) return;
    }
    this.emit('refused', undefined, principal);
    throw new SessionLimitError(retryAfterSeconds(this.earliestDeadline, now));
  }

  /** Applies the lifecycle rules to every session; run by the registry's one timer. */
  sweep(now = this.options.now()): void {
    const { limits } = this.options;
    let earliest = Number.POSITIVE_INFINITY;
    const inUse: LocalSession[] = [];
    for (const session of this.sessions.values()) {
      const clock = clockOf(session);
      const action = lifecycleAction(clock, now, limits);
      if (action === 'expire' || action === 'evict') {
        void this.end(session, action === 'expire' ? 'expired' : 'evicted');
        continue;
      }
      if (action === 'hibernate') void this.hibernate(session);
      if (clock.active) inUse.push(session);
      earliest = Math.min(earliest, nextDeadline(clock, limits));
    }
    this.earliestDeadline = earliest;
    // A session in use for longer than its record's TTL must not look abandoned elsewhere.
    if (inUse.length > 0) void this.refresh(inUse, now);
  }

  /** Refreshes a session's shared record; false (and the session ended) when it is gone. */
  async touch(session: LocalSession, now: number): Promise<boolean> {
    const [alive] = await this.records.touch([session], now);
    if (alive !== false) return true;
    await this.end(session, 'gone');
    return false;
  }

  private async refresh(sessions: LocalSession[], now: number): Promise<void> {
    const alive = await this.records.touch(sessions, now);
    await Promise.all(
      sessions.map((s, i) => (alive[i] === false ? this.end(s, 'gone') : undefined)),
    );
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
   * everywhere; an evicted one only if nobody used it elsewhere since (see deleteIfIdle);
   * `closed` (shutdown) and `gone` leave the shared record to the other instances.
   * `failed`: an initialize the SDK refused, never counted.
   */
  async end(session: LocalSession, reason: EndReason | 'failed'): Promise<void> {
    if (!session.markEnded()) return;
    this.sessions.delete(session.id);
    const runtime = session.detach();
    if (reason !== 'failed') this.emit(reason, session);
    const { store, events } = this.options;
    const work: Promise<unknown>[] = [];
    if (runtime) work.push(stopRuntime(runtime));
    if (reason === 'deleted' || reason === 'expired' || reason === 'failed') {
      work.push(store.delete(session.id));
      events?.endSession(session.id);
    } else if (reason === 'evicted') {
      work.push(
        store.deleteIfIdle(session.id, session.lastActive).then((deleted) => {
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
