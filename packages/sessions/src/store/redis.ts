import { resolveRedis } from '@mcp-runway/redis';
import type { Redis } from 'ioredis';
import type { SessionRecord, SessionStore, TouchRequest } from './types.js';

export interface RedisSessionStoreOptions {
  /** Your ioredis client (you close it), or a URL (the store opens and closes its own). */
  redis: Redis | string;
  /** @default 'mcp-runway:sessions' */
  keyPrefix?: string;
}

// Scripts run atomically in Redis: a touch (or a level change) never resurrects a record that
// another instance deleted a moment before, and a conditional delete never loses to a touch.
const TOUCH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if tonumber(ARGV[2]) > tonumber(redis.call('HGET', KEYS[1], 'a') or '0') then
  redis.call('HSET', KEYS[1], 'a', ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

const SET_LOG_LEVEL = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSET', KEYS[1], 'l', ARGV[1])`;

const DELETE_IF_IDLE = `
local used = tonumber(redis.call('HGET', KEYS[1], 'a') or '0')
if used <= tonumber(ARGV[1]) then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Session records in Redis, one hash per session (`<prefix>:<id>`), with a TTL that each use
 * refreshes: a session whose instance died stays resumable elsewhere until it would have
 * been evicted for idleness. Needs Redis 6.2+.
 */
export class RedisSessionStore implements SessionStore {
  readonly shared = true;
  private readonly redis: Redis;
  private readonly owned: boolean;
  private readonly keyPrefix: string;

  constructor(options: RedisSessionStoreOptions) {
    const { client, owned } = resolveRedis(options.redis);
    this.redis = client;
    this.owned = owned;
    this.keyPrefix = options.keyPrefix ?? 'mcp-runway:sessions';
  }

  private key(id: string): string {
    return `${this.keyPrefix}:${id}`;
  }

  async create(id: string, record: SessionRecord, ttlMs: number): Promise<void> {
    const fields: Record<string, string> = {
      c: String(record.createdAt),
      x: String(record.expiresAt),
      i: record.initialize,
      a: String(record.createdAt),
    };
    if (record.principal !== undefined) fields.p = record.principal;
    if (record.logLevel !== undefined) fields.l = record.logLevel;
    const key = this.key(id);
    await this.redis.multi().hset(key, fields).pexpire(key, ttlMs).exec();
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const fields = await this.redis.hgetall(this.key(id));
    if (fields.i === undefined || fields.x === undefined) return undefined;
    return {
      principal: fields.p,
      createdAt: Number(fields.c),
      expiresAt: Number(fields.x),
      initialize: fields.i,
      logLevel: fields.l,
    };
  }

  async touch(requests: readonly TouchRequest[]): Promise<boolean[]> {
    if (requests.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const { id, ttlMs, lastActive } of requests) {
      pipeline.eval(TOUCH, 1, this.key(id), ttlMs, lastActive);
    }
    const results = (await pipeline.exec()) ?? [];
    return requests.map((_, index) => {
      const [error, touched] = results[index] ?? [new Error('no reply')];
      if (error) throw error;
      return touched === 1;
    });
  }

  async setLogLevel(id: string, level: string): Promise<void> {
    await this.redis.eval(SET_LOG_LEVEL, 1, this.key(id), level);
  }

  async delete(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  async deleteIfIdle(id: string, lastActive: number): Promise<boolean> {
    return (await this.redis.eval(DELETE_IF_IDLE, 1, this.key(id), lastActive)) === 1;
  }

  async close(): Promise<void> {
    if (this.owned) await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
