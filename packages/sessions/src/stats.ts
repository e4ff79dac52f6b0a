/** What the registry counts, and the events it reports, for the metrics layer. */
import type { LocalSession } from './session.js';

export type EndReason = 'evicted' | 'expired' | 'deleted' | 'closed' | 'gone';

export type SessionEventType =
  | 'created'
  | 'adopted'
  | 'woken'
  | 'dormant'
  | 'restored'
  | 'refused'
  | EndReason;

/**
 * What happened to a session, for metrics and logs. `adopted`: taken over from another
 * instance through the shared store; `woken`: rebuilt after going dormant; `restored`: its
 * record, lost by the store (Redis restarted empty), written back from it; `gone`: ended
 * elsewhere (DELETE or expiry seen by another instance); `refused`: no room for a new one.
 * A dormant session ended to make room for a new one counts as `evicted`.
 */
export interface SessionEvent {
  type: SessionEventType;
  /** Undefined for `refused` (no session was made). */
  sessionId: string | undefined;
  principal: string | undefined;
  /** When the session was created (epoch ms, as the clock says); undefined for `refused`. */
  createdAt?: number | undefined;
  /** The protocol version its initialize asked for, when the kept initialize names one. */
  protocolVersion?: string | undefined;
}

export interface SessionStats {
  /** Sessions this instance holds, live or dormant. */
  active: number;
  /** Sessions holding their McpServer and transport right now. */
  live: number;
  /** Sessions with an exchange open (a GET stream, a request) or a request still running. */
  inUse: number;
  created: number;
  adopted: number;
  woken: number;
  /** Times a session went dormant. */
  dormant: number;
  /** Records the store had lost, written back from the sessions held here. */
  restored: number;
  evicted: number;
  expired: number;
  deleted: number;
  closed: number;
  gone: number;
  /** Initialize (or a takeover) refused: the registry full (503), or the caller at its share (429). */
  refused: number;
  /** Requests refused because another principal owns the session. */
  ownerMismatch: number;
}

export type Counters = Omit<SessionStats, 'active' | 'live' | 'inUse'>;

export function newCounters(): Counters {
  return {
    created: 0,
    adopted: 0,
    woken: 0,
    dormant: 0,
    restored: 0,
    evicted: 0,
    expired: 0,
    deleted: 0,
    closed: 0,
    gone: 0,
    refused: 0,
    ownerMismatch: 0,
  };
}

/** The counters plus gauges read off the sessions held right now. */
export function statsOf(sessions: Iterable<LocalSession>, counters: Counters): SessionStats {
  let active = 0;
  let live = 0;
  let inUse = 0;
  for (const session of sessions) {
    active++;
    if (session.runtime) live++;
    if (session.active) inUse++;
  }
  return { active, live, inUse, ...counters };
}
