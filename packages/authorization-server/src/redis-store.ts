/**
 * The state store in Redis, so that every replica behind a load balancer sees the same
 * sessions, interactions, codes, grants, tokens, registered clients and logins in flight: a
 * login started on one replica completes on another. Keys live under `<prefix>:oauth:`; each
 * expires with its entry (a registered client: OAUTH_DCR_CLIENT_IDLE_TTL_S after its last use).
 *
 * Entry `m:<model>:<id>` is a hash (`payload` JSON, `consumed` once used); `g:<grantId>` is the
 * set of entries issued under a grant (revoked together); `u:<uid>` and `uc:<userCode>` point
 * at their entry; `r:<kind>:<key>` are this package's own records.
 */
import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { StateStore } from './store.js';

export interface RedisStoreOptions {
  redis: Redis;
  /** REDIS_KEY_PREFIX: apps sharing one Redis keep apart. */
  keyPrefix: string;
  clientIdleTtlSeconds: number;
}

export function createRedisStore({
  redis,
  keyPrefix,
  clientIdleTtlSeconds,
}: RedisStoreOptions): StateStore {
  const prefix = `${keyPrefix}:oauth`;
  const entryKey = (model: string, id: string) => `${prefix}:m:${model}:${id}`;

  function adapterFor(model: string): Adapter {
    const isClient = model === 'Client';
    const lifetime = (expiresIn: number | undefined) =>
      expiresIn ?? (isClient ? clientIdleTtlSeconds : undefined);

    async function find(id: string): Promise<AdapterPayload | undefined> {
      const key = entryKey(model, id);
      const entry = await redis.hgetall(key);
      if (!entry.payload) return undefined;
      // A registered client in use stays registered.
      if (isClient) await redis.expire(key, clientIdleTtlSeconds);
      const payload = JSON.parse(entry.payload) as AdapterPayload;
      return entry.consumed ? { ...payload, consumed: Number(entry.consumed) } : payload;
    }
    async function findBy(index: 'u' | 'uc', value: string) {
      const id = await redis.get(`${prefix}:${index}:${value}`);
      return id ? find(id) : undefined;
    }

    return {
      async upsert(id, payload, expiresIn) {
        const key = entryKey(model, id);
        const ttl = lifetime(expiresIn);
        const multi = redis.multi().del(key).hset(key, 'payload', JSON.stringify(payload));
        if (ttl) multi.expire(key, ttl);
        if (payload.grantId) {
          const grant = `${prefix}:g:${payload.grantId}`;
          multi.sadd(grant, key);
          // The index lives as long as the longest entry in it.
          if (ttl) multi.expire(grant, ttl, 'NX').expire(grant, ttl, 'GT');
        }
        for (const [index, value] of [
          ['u', payload.uid],
          ['uc', payload.userCode],
        ] as const) {
          if (!value) continue;
          if (ttl) multi.set(`${prefix}:${index}:${value}`, id, 'EX', ttl);
          else multi.set(`${prefix}:${index}:${value}`, id);
        }
        await multi.exec();
      },
      find,
      findByUid: (uid) => findBy('u', uid),
      findByUserCode: (userCode) => findBy('uc', userCode),
      async consume(id) {
        const key = entryKey(model, id);
        if (await redis.exists(key))
          await redis.hset(key, 'consumed', Math.floor(Date.now() / 1000));
      },
      async destroy(id) {
        await redis.del(entryKey(model, id));
      },
      async revokeByGrantId(grantId) {
        const grant = `${prefix}:g:${grantId}`;
        const keys = await redis.smembers(grant);
        await redis.del(grant, ...keys);
      },
    };
  }

  const recordKey = (kind: string, key: string) => `${prefix}:r:${kind}:${key}`;
  return {
    adapterFor,
    async put(kind, key, value, ttlSeconds) {
      await redis.set(recordKey(kind, key), JSON.stringify(value), 'EX', ttlSeconds);
    },
    async get<T>(kind: string, key: string) {
      const value = await redis.get(recordKey(kind, key));
      return value === null ? undefined : (JSON.parse(value) as T);
    },
    async take<T>(kind: string, key: string) {
      const value = await redis.getdel(recordKey(kind, key));
      return value === null ? undefined : (JSON.parse(value) as T);
    },
    async count(kind, key, windowSeconds) {
      const counter = recordKey(kind, key);
      const answers = await redis.multi().incr(counter).expire(counter, windowSeconds, 'NX').exec();
      return Number(answers?.[0]?.[1] ?? 0);
    },
    close() {}, // the connection is the app's
  };
}
