import type { SessionClock } from './policy.js';
import type { Runtime } from './transport.js';

/**
 * One session as this instance holds it. Deliberately small: a dormant session is this object
 * and its initialize request, nothing else; no timers or closures of its own (one sweep
 * timer serves every session).
 */
export class LocalSession {
  /** HTTP exchanges open on this session here (an open GET stream counts until it closes). */
  busy = 0;
  runtime: Runtime | undefined = undefined;
  waking: Promise<Runtime> | undefined = undefined;
  ended = false;

  constructor(
    readonly id: string,
    readonly principal: string | undefined,
    readonly expiresAt: number,
    public lastActive: number,
    /** The client's initialize request (JSON), replayed to rebuild the session. */
    readonly initialize: string,
    public logLevel: string | undefined,
  ) {}

  /** In use: an exchange is open, or the server is still working on a request. */
  get active(): boolean {
    return this.busy > 0 || this.runtime?.transport.working === true;
  }
}

/** The facts the lifecycle rules look at. */
export function clockOf(session: LocalSession): SessionClock {
  return {
    expiresAt: session.expiresAt,
    lastActive: session.lastActive,
    active: session.active,
    live: session.runtime !== undefined,
  };
}
