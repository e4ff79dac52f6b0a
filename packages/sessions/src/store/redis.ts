import { resolveRedis } from '@mcp-runway/redis';
import type { Redis } from 'ioredis';
import type {
  RecordState,
  RestoreRequest,
  SessionRecord,
  SessionStore,
  TouchRequest,
} from './types.js';

export interface RedisSessionStoreOptions {
  /** Your ioredis client (you close it), or a URL (the store opens and closes its own). */
  redis: Redis | string;
  /** @default 'mcp-runway:sessions' */
  keyPrefix?: string;
}

// Scripts run atomically in Redis. A deleted record becomes a tombstone (`d`) for a while, so
// that a record Redis lost (restarted empty) can be told from one that was deleted: a touch
// says which, a restore writes back only a lost one, and nothing resurrects a deleted one.
const tombstone = (ttl: string) => `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'd', '1')
redis.call('PEXPIRE', KEYS[1], ${ttl})`;

// ARGV: tombstone TTL.
const DELETE = tombstone('ARGV[1]');

// Last use is the latest any instance reported; the TTL only ever grows.
const REFRESH = `
if tonumber(ARGV[2]) > tonumber(redis.call('HGET', KEYS[1], 'a') or '0') then
  redis.call('HSET', KEYS[1], 'a', ARGV[2])
end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end`;

// 1 alive, 0 deleted, -1 missing.
const TOUCH = `
if redis.call('HEXISTS', KEYS[1], 'd') == 1 then return 0 end
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
${REFRESH}
return 1`;

// ARGV: ttl, last use, then the record's fields and values.
const RESTORE = `
if redis.call('HEXISTS', KEYS[1], 'd') == 1 then return 0 end
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 3))
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return 1
end
${REFRESH}
return 1`;

const SET_LOG_LEVEL = `
if redis.call('HEXISTS', KEYS[1], 'x') == 0 then return 0 end
return redis.call('HSET', KEYS[1], 'l', ARGV[1])`;

// ARGV: last use, tombstone TTL.
const DELETE_IF_IDLE = `
if redis.call('HEXISTS', KEYS[1], 'x') == 0 then return 0 end
local used = tonumber(redis.call('HGET', KEYS[1], 'a') or '0')
if used > tonumber(ARGV[1]) then return 0 end
${tombstone('ARGV[2]')}
return 1`;

const STATES: Record<number, RecordState> = { 1: 'alive', 0: 'deleted', [-1]: 'missing' };

function fieldsOf(record: SessionRecord, lastActive: number): Record<string, string> {
  const fields: Record<string, string> = {
    c: String(record.createdAt),
    x: String(record.expiresAt),
    i: record.initialize,
    a: String(lastActive),
  };
  if (record.principal !== undefined) fields.p = record.principal;
  if (record.logLevel !== undefined) fields.l = record.logLevel;
  return fields;
}

/**
 * Session records in Redis, one hash per session (`<prefix>:<id>`), with a TTL that each use
 * refreshes: a session whose instance died stays resumable elsewhere until it would have
 * been evicted for idleness. A deleted session's hash becomes a tombstone (`{ d: 1 }`) for as
 * long as a copy may be held elsewhere. Needs Redis 6.2+.
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
    const key = this.key(id);
    await this.redis
      .multi()
      .hset(key, fieldsOf(record, record.createdAt))
      .pexpire(key, ttlMs)
      .exec();
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

  private async run(
    calls: [script: string, id: string, args: (string | number)[]][],
  ): Promise<number[]> {
    if (calls.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const [script, id, args] of calls) pipeline.eval(script, 1, this.key(id), ...args);
    const results = (await pipeline.exec()) ?? [];
    return calls.map((_, index) => {
      const [error, reply] = results[index] ?? [new Error('no reply')];
      if (error) throw error;
      return Number(reply);
    });
  }

  async touch(requests: readonly TouchRequest[]): Promise<RecordState[]> {
    const replies = await this.run(
      requests.map(({ id, ttlMs, lastActive }) => [TOUCH, id, [ttlMs, lastActive]]),
    );
    return replies.map((reply) => STATES[reply] ?? 'missing');
  }

  async restore(requests: readonly RestoreRequest[]): Promise<boolean[]> {
    const replies = await this.run(
      requests.map(({ id, ttlMs, lastActive, record }) => [
        RESTORE,
        id,
        [ttlMs, lastActive, ...Object.entries(fieldsOf(record, lastActive)).flat()],
      ]),
    );
    return replies.map((reply) => reply === 1);
  }

  async setLogLevel(id: string, level: string): Promise<void> {
    await this.redis.eval(SET_LOG_LEVEL, 1, this.key(id), level);
  }

  async delete(id: string, tombstoneTtlMs?: number): Promise<void> {
    if (tombstoneTtlMs === undefined) await this.redis.del(this.key(id));
    else await this.redis.eval(DELETE, 1, this.key(id), Math.max(1, tombstoneTtlMs));
  }

  async deleteIfIdle(id: string, lastActive: number, tombstoneTtlMs: number): Promise<boolean> {
    const key = this.key(id);
    return (
      (await this.redis.eval(DELETE_IF_IDLE, 1, key, lastActive, Math.max(1, tombstoneTtlMs))) === 1
    );
  }

  async close(): Promise<void> {
    if (this.owned) await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
