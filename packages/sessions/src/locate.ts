/**
 * Finding the session a request names: held here, or taken over ("adopted") from the shared
 * store when another instance started it. Refusals are 404s, the same for an unknown id, an
 * ended or expired one and another principal's, so nothing leaks; 503 when the store cannot
 * say (the session may well exist: the client should retry, not start over).
 */
import { SessionNotFoundError, SessionsUnavailableError } from './errors.js';
import { lifecycleAction, type SessionLimits } from './policy.js';
import { clockOf, LocalSession } from './session.js';
import type { SessionRecord, SessionStore } from './store/types.js';
import type { SessionTable } from './table.js';

export class SessionLocator {
  private readonly lookups = new Map<string, Promise<SessionRecord | undefined>>();

  constructor(
    private readonly table: SessionTable,
    private readonly store: SessionStore,
    private readonly limits: SessionLimits,
    private readonly now: () => number,
  ) {}

  /** The session, held here or adopted; `tenant` is whose share an adopted one counts in. */
  async find(id: string, principal: string | undefined, tenant: string): Promise<LocalSession> {
    const now = this.now();
    const local = this.table.get(id);
    if (local) return this.held(local, principal, now);
    const record = await this.recordOf(id, principal, now);
    // Another request may have adopted it while we looked it up.
    let session = this.table.get(id);
    if (!session) {
      this.table.admit(now, tenant, principal);
      session = new LocalSession(id, record, now, tenant);
      this.table.add(session);
      this.table.emit('adopted', session);
    }
    if (!(await this.table.touch(session, now))) throw new SessionNotFoundError();
    return session;
  }

  /**
   * Ends the session a DELETE names: the copy held here, or, held elsewhere, its shared record
   * (its tombstone tells the holder); no need to take it over, nor room for it, to end it.
   */
  async end(id: string, principal: string | undefined): Promise<void> {
    const now = this.now();
    const local = this.table.get(id);
    if (local) return this.table.end(await this.held(local, principal, now), 'deleted');
    await this.table.endRecord(id, await this.recordOf(id, principal, now));
  }

  private async held(
    local: LocalSession,
    principal: string | undefined,
    now: number,
  ): Promise<LocalSession> {
    if (local.principal !== principal) return this.refuseOwner();
    // Deadlines hold between sweeps too.
    const action = lifecycleAction(clockOf(local), now, this.limits);
    if (action === 'expire' || action === 'evict') {
      await this.table.end(local, action === 'expire' ? 'expired' : 'evicted');
      throw new SessionNotFoundError();
    }
    // Also how a DELETE or an expiry seen by another instance reaches this one.
    if (!(await this.table.touch(local, now))) throw new SessionNotFoundError();
    return local;
  }

  /** The shared record of a session held elsewhere, if it is alive and this principal's. */
  private async recordOf(
    id: string,
    principal: string | undefined,
    now: number,
  ): Promise<SessionRecord> {
    const record = await this.lookup(id);
    if (!record || record.expiresAt <= now) throw new SessionNotFoundError();
    if (record.principal !== principal) return this.refuseOwner();
    return record;
  }

  private refuseOwner(): never {
    this.table.counters.ownerMismatch++;
    throw new SessionNotFoundError();
  }

  /** One store lookup per id at a time, however many requests wait for it. */
  private lookup(id: string): Promise<SessionRecord | undefined> {
    let pending = this.lookups.get(id);
    if (!pending) {
      pending = this.store
        .get(id)
        .catch((cause: unknown) => {
          throw new SessionsUnavailableError('Session store unavailable: retry shortly', { cause });
        })
        .finally(() => this.lookups.delete(id));
      this.lookups.set(id, pending);
    }
    return pending;
  }
}
