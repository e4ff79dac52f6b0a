import { resolveRedis } from '@mcp-runway/redis';
import type { EventStore, JSONRPCMessage } from '@modelcontextprotocol/server';
import type { Redis } from 'ioredis';
import {
  DEFAULT_COMPLETED_TTL_MS,
  DEFAULT_EVENT_TTL_MS,
  DEFAULT_MAX_EVENTS_PER_STREAM,
  type EventRetention,
  formatEventId,
  isPrimingEvent,
  isResponse,
  parseEventId,
  type ReplaySend,
  type SessionEventStores,
} from './types.js';

export interface RedisEventStoresOptions extends EventRetention {
  /** Your ioredis client (you close it), or a URL (the stores open and close their own). */
  redis: Redis | string;
  /** @default 'mcp-runway:events' */
  keyPrefix?: string;
  /**
   * How long a resume waits for the next event of a request stream when it has none to send
   * yet (see replayEventsAfter). @default 5_000
   */
  resumeWaitMs?: number;
  /** How often a waiting resume looks for new events. @default 100 */
  pollIntervalMs?: number;
}

interface Config {
  redis: Redis;
  keyPrefix: string;
  maxLength: number;
  ttlMs: number;
  completedTtlMs: number;
  resumeWaitMs: number;
  pollIntervalMs: number;
}

/** The name every SDK transport gives its GET stream. */
const STANDALONE_STREAM_ID = '_GET_stream';

/**
 * Event streams in Redis, shared by every instance: a client whose SSE stream dropped can
 * resume on any instance. One Redis stream per SSE stream (`<prefix>:<session>:<stream>`),
 * capped at `maxEventsPerStream` entries (exact MAXLEN: small streams, so trimming is cheap)
 * and expiring `ttlMs` after its last event (`completedTtlMs` after a response); a set per session lists its streams, so ending a
 * session deletes its events. Needs Redis 6.2+ (exclusive XRANGE).
 */
export class RedisEventStores implements SessionEventStores {
  private readonly config: Config;
  private readonly owned: boolean;

  constructor(options: RedisEventStoresOptions) {
    const { client, owned } = resolveRedis(options.redis);
    this.owned = owned;
    this.config = {
      redis: client,
      keyPrefix: options.keyPrefix ?? 'mcp-runway:events',
      maxLength: options.maxEventsPerStream ?? DEFAULT_MAX_EVENTS_PER_STREAM,
      ttlMs: options.ttlMs ?? DEFAULT_EVENT_TTL_MS,
      completedTtlMs: options.completedTtlMs ?? DEFAULT_COMPLETED_TTL_MS,
      resumeWaitMs: options.resumeWaitMs ?? 5_000,
      pollIntervalMs: options.pollIntervalMs ?? 100,
    };
  }

  forSession(sessionId: string): EventStore {
    return new RedisEventStore(this.config, sessionId);
  }

  endSession(sessionId: string): void {
    const { redis, keyPrefix } = this.config;
    const index = `${keyPrefix}:${sessionId}`;
    // Best effort: whatever is left expires with its TTL anyway.
    void redis
      .smembers(index)
      .then((streams) => redis.del(index, ...streams.map((stream) => `${index}:${stream}`)))
      .catch(() => {});
  }

  async close(): Promise<void> {
    const { redis } = this.config;
    if (this.owned) await redis.quit().catch(() => redis.disconnect());
  }
}

const ENTRY_ID = /^\d+-\d+$/;

function parseRedisEventId(eventId: string): { streamId: string; position: string } | undefined {
  const parsed = parseEventId(eventId);
  return parsed && ENTRY_ID.test(parsed.position) ? parsed : undefined;
}

/** The SDK `EventStore` of one session, over Redis streams. */
export class RedisEventStore implements EventStore {
  constructor(
    private readonly config: Config,
    readonly sessionId: string,
  ) {}

  private index(): string {
    return `${this.config.keyPrefix}:${this.sessionId}`;
  }

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const { redis, maxLength, ttlMs, completedTtlMs } = this.config;
    const index = this.index();
    const key = `${index}:${streamId}`;
    const replies = await redis
      .multi()
      .xadd(key, 'MAXLEN', maxLength, '*', 'm', JSON.stringify(message))
      .pexpire(key, isResponse(message) ? completedTtlMs : ttlMs)
      .sadd(index, streamId)
      .pexpire(index, ttlMs)
      .exec();
    const [error, entryId] = replies?.[0] ?? [new Error('XADD got no reply')];
    if (error || typeof entryId !== 'string') throw error ?? new Error('XADD got no entry id');
    return formatEventId(streamId, entryId);
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    // Undefined makes the SDK answer 400 instead of replaying from a made-up position.
    return parseRedisEventId(eventId)?.streamId;
  }

  /**
   * Sends the stream's events after `lastEventId`, exactly once each (exclusive XRANGE).
   *
   * Two additions to a plain range read. It reads again until nothing new comes: the instance
   * running the request keeps adding events, and the SDK starts writing them live only once
   * this returns; on one Redis connection, an event added after the last read is answered
   * after it, so it finds the stream registered and goes out live (one the read did catch is
   * deduplicated by the SDK). And when a request stream has nothing new yet, it waits up to
   * `resumeWaitMs` for the next event: an instance that does not run the request closes the
   * stream right after the replay, and SDK client 2.4.0 then reconnects without Last-Event-ID
   * if it got no event on it (typescript-sdk#2499), which would end the resume.
   */
  async replayEventsAfter(lastEventId: string, { send }: { send: ReplaySend }): Promise<string> {
    const parsed = parseRedisEventId(lastEventId);
    if (!parsed) throw new Error('Invalid event id');
    const { redis, resumeWaitMs, pollIntervalMs } = this.config;
    const key = `${this.index()}:${parsed.streamId}`;
    const waitUntil = Date.now() + (parsed.streamId === STANDALONE_STREAM_ID ? 0 : resumeWaitMs);
    let after = parsed.position;
    let sent = 0;
    for (;;) {
      const entries = await redis.xrange(key, `(${after}`, '+');
      for (const [entryId, fields] of entries) {
        after = entryId;
        const message = JSON.parse(fields[1] ?? '{}') as JSONRPCMessage;
        if (isPrimingEvent(message)) continue;
        await send(formatEventId(parsed.streamId, entryId), message);
        sent++;
      }
      if (entries.length > 0) continue;
      if (sent > 0 || Date.now() >= waitUntil || (await redis.exists(key)) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
    return parsed.streamId;
  }
}
