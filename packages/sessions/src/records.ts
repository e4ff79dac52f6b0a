import type { Logger } from '@mcp-runway/logging';
import { recordTtlMs } from './policy.js';
import type { LocalSession } from './session.js';
import type { RecordState, SessionStore } from './store/types.js';
import { throttledWarning } from './warn.js';

/** What a session's shared record says: alive, deleted elsewhere, or undefined (the store cannot say). */
export type Liveness = 'alive' | 'deleted' | undefined;

/**
 * Keeping the shared records of the sessions held here alive. A session ends here only when
 * its record says it was deleted (a DELETE, its lifetime or an eviction, on any instance): a
 * record that is merely missing (Redis restarted empty, or evicted it under memory pressure)
 * is written back from the session, which is alive here and within its deadlines. When the
 * store cannot say, the registry keeps serving the copies it holds rather than fail their
 * clients.
 */
export class SharedRecords {
  private readonly unreachable: (error: unknown) => void;

  constructor(
    private readonly store: SessionStore,
    private readonly idleTimeoutMs: number,
    private readonly sweepIntervalMs: number,
    logger: Logger | undefined,
    /** Called for each record written back. */
    private readonly onRestored: (session: LocalSession) => void,
  ) {
    this.unreachable = throttledWarning(logger, 'session store unreachable: serving held sessions');
  }

  /** The TTL of a session's record (and of its tombstone) as of its last use. */
  ttlMs(session: LocalSession, now: number, lastUsed = now): number {
    return recordTtlMs(now, session.expiresAt, this.idleTimeoutMs, this.sweepIntervalMs, lastUsed);
  }

  /**
   * Reports each session's last use (`usedAt`: now for a request, the session's own last use
   * for an idle one the sweep checks) and extends its record's TTL accordingly; writes back the
   * records the store lost. One answer per session.
   */
  async keep(
    sessions: readonly LocalSession[],
    now: number,
    usedAt: (session: LocalSession) => number = () => now,
  ): Promise<Liveness[]> {
    const entries = sessions.map((session) => {
      const lastActive = usedAt(session);
      const request = { id: session.id, lastActive, ttlMs: this.ttlMs(session, now, lastActive) };
      return { session, request };
    });
    let states: RecordState[];
    try {
      states = await this.store.touch(entries.map(({ request }) => request));
    } catch (error) {
      this.unreachable(error);
      return sessions.map(() => undefined);
    }
    const answers: Liveness[] = states.map((state) => (state === 'missing' ? undefined : state));
    const lost = entries.flatMap((entry, index) =>
      states[index] === 'missing' ? [{ ...entry, index }] : [],
    );
    if (lost.length === 0) return answers;
    try {
      const restored = await this.store.restore(
        lost.map(({ session, request }) => ({ ...request, record: session.record() })),
      );
      lost.forEach(({ session, index }, k) => {
        // False: deleted between the touch and the write.
        answers[index] = restored[k] ? 'alive' : 'deleted';
        if (restored[k]) this.onRestored(session);
      });
    } catch (error) {
      this.unreachable(error);
    }
    return answers;
  }
}
