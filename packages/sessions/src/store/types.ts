/**
 * Session metadata: what another instance needs to carry on a session this one started
 * (who owns it, its deadlines, and the client's initialize request to replay).
 */

export interface SessionRecord {
  /** The verified principal that created the session; undefined for anonymous. */
  principal: string | undefined;
  createdAt: number;
  /** Absolute lifetime deadline (epoch ms). */
  expiresAt: number;
  /** The client's initialize request, as JSON. */
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

export interface SessionStore {
  /** True when other instances see the same records (Redis); false for process memory. */
  readonly shared: boolean;
  create(id: string, record: SessionRecord, ttlMs: number): Promise<void>;
  /** The record, or undefined when the session is unknown, ended or expired. */
  get(id: string): Promise<SessionRecord | undefined>;
  /**
   * Refreshes each record's TTL and last use; one boolean per request, false when the record
   * is gone (ended by another instance, or expired). Never recreates a record.
   */
  touch(requests: readonly TouchRequest[]): Promise<boolean[]>;
  setLogLevel(id: string, level: string): Promise<void>;
  /** Ends the session everywhere. */
  delete(id: string): Promise<void>;
  /**
   * Ends the session unless another instance used it after `lastActive`: an instance that
   * evicts its idle copy must not end a session the client has moved on to elsewhere.
   */
  deleteIfIdle(id: string, lastActive: number): Promise<boolean>;
  /** Releases what the store created (a Redis client it opened). */
  close(): Promise<void>;
}
