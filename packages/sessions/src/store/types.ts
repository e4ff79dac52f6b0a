/**
 * Session metadata: what another instance needs to carry on a session this one started
 * (who owns it, its deadlines, and the kept part of the client's initialize to replay).
 */

export interface SessionRecord {
  /** The verified principal that created the session; undefined for anonymous. */
  principal: string | undefined;
  createdAt: number;
  /** Absolute lifetime deadline (epoch ms). */
  expiresAt: number;
  /** The kept part of the client's initialize request, as JSON (see keptInitialize). */
  initialize: string;
  /** The level set by `logging/setLevel`, replayed after initialize. */
  logLevel: string | undefined;
}

export interface TouchRequest {
  id: string;
  /** The record's new time to live. */
  ttlMs: number;
  /** When the session was last used (epoch ms), for {@link SessionStore.deleteIfIdle}. */
  lastActive: number;
}

/**
 * What became of a session's record: `alive`; `deleted` (ended on purpose: DELETE, lifetime,
 * eviction; the session must end wherever it is held); or `missing`, neither record nor
 * tombstone: the store lost it (Redis restarted empty, or evicted it under memory pressure), or
 * it expired long ago. An instance that still holds the session, within its deadlines, writes
 * the record back ({@link SessionStore.restore}) rather than end it.
 */
export type RecordState = 'alive' | 'deleted' | 'missing';

export interface RestoreRequest extends TouchRequest {
  record: SessionRecord;
}

export interface SessionStore {
  /** True when other instances see the same records (Redis); false for process memory. */
  readonly shared: boolean;
  create(id: string, record: SessionRecord, ttlMs: number): Promise<void>;
  /** The record, or undefined when the session is unknown, ended or expired. */
  get(id: string): Promise<SessionRecord | undefined>;
  /**
   * Records each session's last use (the latest any instance reported) and extends its TTL to
   * `ttlMs` (never shortens it); one state per request. Never recreates a record.
   */
  touch(requests: readonly TouchRequest[]): Promise<RecordState[]>;
  /**
   * Writes back records the store lost, from the sessions an instance still holds; one boolean
   * per request: false when the session was deleted meanwhile (a tombstone), which it never
   * resurrects. A record that is there is touched instead.
   */
  restore(requests: readonly RestoreRequest[]): Promise<boolean[]>;
  setLogLevel(id: string, level: string): Promise<void>;
  /**
   * Ends the session everywhere. With `tombstoneTtlMs`, a tombstone stays that long, so that
   * instances holding a copy tell the deletion from a lost record; it must outlive every copy
   * (the record's own TTL does). Without, the record just goes (a session nobody else can hold).
   */
  delete(id: string, tombstoneTtlMs?: number): Promise<void>;
  /**
   * Ends the session unless another instance used it after `lastActive` (leaving a tombstone,
   * as `delete`): an instance that evicts its idle copy must not end a session the client has
   * moved on to elsewhere. False when it did not (used since, deleted, or missing).
   */
  deleteIfIdle(id: string, lastActive: number, tombstoneTtlMs: number): Promise<boolean>;
  /** Releases what the store created (a Redis client it opened). */
  close(): Promise<void>;
}
