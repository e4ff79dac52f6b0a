/**
 * Pure lifecycle rules: when a session expires, is evicted for idleness, or may go dormant,
 * and what to tell a refused client about when to retry. The registry's one sweep timer and
 * every request apply the same rules, so a session is never served past its deadline even
 * between two sweeps.
 */

export interface SessionLimits {
  /** A session nobody used for this long (no request, no open stream) ends. */
  idleTimeoutMs: number;
  /** A session ends this long after initialize, however busy. */
  maxLifetimeMs: number;
  /** A session idle this long hands back its server and transport (rebuilt on its next request). */
  dormantAfterMs: number;
}

export interface SessionClock {
  expiresAt: number;
  lastActive: number;
  /** An HTTP exchange is open (a GET stream counts) or the server is still working on a request. */
  active: boolean;
  /** The session currently holds its server and transport. */
  live: boolean;
}

export type LifecycleAction = 'expire' | 'evict' | 'hibernate' | 'keep';

export function lifecycleAction(
  session: SessionClock,
  now: number,
  limits: SessionLimits,
): LifecycleAction {
  if (now >= session.expiresAt) return 'expire';
  if (session.active) return 'keep';
  const idleFor = now - session.lastActive;
  if (idleFor >= limits.idleTimeoutMs) return 'evict';
  if (session.live && idleFor >= limits.dormantAfterMs) return 'hibernate';
  return 'keep';
}

/** When this session could next end by itself (what a refused client should wait for). */
export function nextDeadline(session: SessionClock, limits: SessionLimits): number {
  if (session.active) return session.expiresAt;
  return Math.min(session.expiresAt, session.lastActive + limits.idleTimeoutMs);
}

/**
 * Whether a full table (or a principal at its share) may end this session to make room for a
 * new one: it is dormant, idle for `dormantAfterMs` with nothing open or running. Nothing a
 * client sent is lost with it; its client, if it comes back, initializes again.
 */
export function reclaimable(session: SessionClock, now: number, limits: SessionLimits): boolean {
  return !session.active && now - session.lastActive >= limits.dormantAfterMs;
}

/**
 * The soonest this session could give up its slot by the rules: its lifetime, or being idle
 * long enough to be reclaimed (or evicted). A session in use counts from now: its stream may
 * close at any moment. Sooner still by a DELETE, which nobody can foresee.
 */
export function freesAt(session: SessionClock, now: number, limits: SessionLimits): number {
  const idleFrom = session.active ? now : session.lastActive;
  const idleFor = Math.min(limits.dormantAfterMs, limits.idleTimeoutMs);
  return Math.min(session.expiresAt, idleFrom + idleFor);
}

/** Retry-After for a full registry: until the earliest deadline, between 1 s and 1 hour. */
export function retryAfterSeconds(earliestDeadline: number, now: number): number {
  return Math.min(3600, Math.max(1, Math.ceil((earliestDeadline - now) / 1000)));
}

/**
 * How long the shared record of a session lives without a touch: the idle timeout plus one
 * sweep interval after its last use (`lastUsed`, now by default; the sweep refreshes records of
 * busy sessions), never past its lifetime. A deleted session's tombstone lives as long, which
 * outlasts every copy another instance may hold: an idle copy is evicted by then, a busy one
 * touches its record at every sweep.
 */
export function recordTtlMs(
  now: number,
  expiresAt: number,
  idleTimeoutMs: number,
  sweepIntervalMs: number,
  lastUsed = now,
): number {
  return Math.max(1, Math.min(lastUsed + idleTimeoutMs + sweepIntervalMs, expiresAt) - now);
}
