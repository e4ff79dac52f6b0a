import type { Logger } from '@mcp-runway/logging';
import { recordTtlMs } from './policy.js';
import type { LocalSession } from './session.js';
import type { SessionStore } from './store/types.js';
import { throttledWarning } from './warn.js';

/**
 * Keeping the shared records of the sessions held here alive. A touch answers, per session:
 * true (alive), false (gone: ended or expired elsewhere), or undefined when the store cannot
 * say; then the registry keeps serving the copies it holds rather than fail their clients.
 */
export class SharedRecords {
  private readonly unreachable: (error: unknown) => void;

  constructor(
    private readonly store: SessionStore,
    private readonly idleTimeoutMs: number,
    private readonly sweepIntervalMs: number,
    logger: Logger | undefined,
  ) {
    this.unreachable = throttledWarning(logger, 'session store unreachable: serving held sessions');
  }

  ttlMs(session: LocalSession, now: number): number {
    return recordTtlMs(now, session.expiresAt, this.idleTimeoutMs, this.sweepIntervalMs);
  }

  async touch(sessions: readonly LocalSession[], now: number): Promise<(boolean | undefined)[]> {
    const requests = sessions.map((s) => ({
      id: s.id,
      ttlMs: this.ttlMs(s, now),
      lastActive: now,
    }));
    try {
      return await this.store.touch(requests);
    } catch (error) {
      this.unreachable(error);
      return sessions.map(() => undefined);
    }
  }
}
