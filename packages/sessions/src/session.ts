import type { SessionClock } from './policy.js';
import type { SessionRecord } from './store/types.js';
import type { Runtime } from './transport.js';

/**
 * One session as this instance holds it, and the one place its state changes: the registry,
 * the locator, the table and the runtimes call the methods below and only read the rest. The
 * rules (when to go dormant, to end, to rebuild) live with those callers; this class keeps
 * the facts consistent. Deliberately small: a dormant session is this object and its
 * initialize request, nothing else; no timers or closures of its own (one sweep timer serves
 * every session).
 */
export class LocalSession {
  /** HTTP exchanges open on this session here (an open GET stream counts until it closes). */
  #exchanges = 0;
  #runtime: Runtime | undefined = undefined;
  #waking: Promise<Runtime> | undefined = undefined;
  #ended = false;
  #lastActive: number;
  #logLevel: string | undefined;

  /** The verified principal that created it (undefined: anonymous); only it may use the session. */
  readonly principal: string | undefined;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** The kept part of the client's initialize (JSON), replayed to rebuild the session. */
  readonly initialize: string;

  constructor(
    readonly id: string,
    record: SessionRecord,
    lastActive: number,
    /** Whose share of the table it counts against (the principal, or a client address). */
    readonly tenant: string,
  ) {
    this.principal = record.principal;
    this.createdAt = record.createdAt;
    this.expiresAt = record.expiresAt;
    this.initialize = record.initialize;
    this.#logLevel = record.logLevel;
    this.#lastActive = lastActive;
  }

  /** Its shared record, as it stands: what the store needs to write it back. */
  record(): SessionRecord {
    return {
      principal: this.principal,
      createdAt: this.createdAt,
      expiresAt: this.expiresAt,
      initialize: this.initialize,
      logLevel: this.#logLevel,
    };
  }

  /** Its McpServer and transport; undefined while dormant, before the first start, once ended. */
  get runtime(): Runtime | undefined {
    return this.#runtime;
  }

  /** When it was last used: the start or the end of its latest exchange. */
  get lastActive(): number {
    return this.#lastActive;
  }

  /** The last `logging/setLevel` the server accepted: replayed with initialize on a rebuild. */
  get logLevel(): string | undefined {
    return this.#logLevel;
  }

  /** Ended here (deleted, expired, evicted, closed or gone): it takes no more exchanges. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Its runtime is being rebuilt (see `wake`). */
  get waking(): boolean {
    return this.#waking !== undefined;
  }

  /** In use: an exchange is open, or the server is still working on a request. */
  get active(): boolean {
    return this.#exchanges > 0 || this.#runtime?.transport.working === true;
  }

  /** An HTTP exchange starts: the session is in use until `endExchange`. */
  beginExchange(now: number): void {
    this.#exchanges++;
    this.#lastActive = now;
  }

  /** An exchange is over (its response, or its GET stream, closed): idle time counts from now. */
  endExchange(now: number): void {
    this.#exchanges--;
    this.#lastActive = now;
  }

  /** Gives the session its McpServer and transport (a new session's, or a rebuilt one). */
  attach(runtime: Runtime): void {
    this.#runtime = runtime;
  }

  /** Takes its runtime away (it goes dormant, or ends) and returns it, for the caller to close. */
  detach(): Runtime | undefined {
    const runtime = this.#runtime;
    this.#runtime = undefined;
    return runtime;
  }

  /**
   * Its runtime, or, when it has none, the one `rebuild` makes: one rebuild however many
   * requests wait for it. `rebuild` attaches what it built; `waking` is true meanwhile.
   */
  wake(rebuild: (session: LocalSession) => Promise<Runtime>): Promise<Runtime> {
    if (this.#runtime) return Promise.resolve(this.#runtime);
    this.#waking ??= rebuild(this).finally(() => {
      this.#waking = undefined;
    });
    return this.#waking;
  }

  /** Marks the session ended; false when it already was, so ending happens once. */
  markEnded(): boolean {
    if (this.#ended) return false;
    this.#ended = true;
    return true;
  }

  /** Remembers the level a `logging/setLevel` set, for rebuilds. */
  rememberLogLevel(level: string): void {
    this.#logLevel = level;
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
