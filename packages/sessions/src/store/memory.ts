import type {
  RecordState,
  RestoreRequest,
  SessionRecord,
  SessionStore,
  TouchRequest,
} from './types.js';

interface Entry {
  record: SessionRecord;
  lastActive: number;
  /** When the record expires unless touched (epoch ms). */
  deadline: number;
}

export interface MemorySessionStoreOptions {
  /** @default Date.now */
  now?: () => number;
}

/**
 * Session records in process memory: the embedded default. Only registries in this process
 * share it, so a session ends with the process. Same contract as the Redis store (tested
 * with the same cases), so the registry never knows which one it has. It never loses a record
 * it was given, so one that is not here was deleted or expired: no tombstones needed.
 */
export class MemorySessionStore implements SessionStore {
  readonly shared = false;
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private writes = 0;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Records held, expired ones included until the next prune. */
  get size(): number {
    return this.entries.size;
  }

  private live(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry && entry.deadline <= this.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return entry;
  }

  // Records of a registry that stopped without ending its sessions expire here, amortized.
  private prune(): void {
    if (++this.writes % 1024 !== 0) return;
    const now = this.now();
    for (const [id, entry] of this.entries) if (entry.deadline <= now) this.entries.delete(id);
  }

  async create(id: string, record: SessionRecord, ttlMs: number): Promise<void> {
    this.prune();
    const now = this.now();
    this.entries.set(id, {
      record: { ...record },
      lastActive: record.createdAt,
      deadline: now + ttlMs,
    });
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const entry = this.live(id);
    return entry ? { ...entry.record } : undefined;
  }

  async touch(requests: readonly TouchRequest[]): Promise<RecordState[]> {
    const now = this.now();
    return requests.map(({ id, ttlMs, lastActive }) => {
      const entry = this.live(id);
      if (!entry) return 'deleted';
      entry.lastActive = Math.max(entry.lastActive, lastActive);
      entry.deadline = Math.max(entry.deadline, now + ttlMs);
      return 'alive';
    });
  }

  async restore(requests: readonly RestoreRequest[]): Promise<boolean[]> {
    // Nothing is ever lost here: a record that is not here is deleted.
    const states = await this.touch(requests);
    return states.map((state) => state === 'alive');
  }

  async setLogLevel(id: string, level: string): Promise<void> {
    const entry = this.live(id);
    if (entry) entry.record.logLevel = level;
  }

  async delete(id: string): Promise<void> {
    this.entries.delete(id);
  }

  async deleteIfIdle(id: string, lastActive: number): Promise<boolean> {
    const entry = this.live(id);
    if (!entry || entry.lastActive > lastActive) return false;
    this.entries.delete(id);
    return true;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
