/**
 * The state store in this process's memory (one replica; `createRedisStore` for several).
 * Each entry expires when oidc-provider says; a client registered by DCR expires after
 * OAUTH_DCR_CLIENT_IDLE_TTL_S without use, each use pushing that back. Expired entries are
 * dropped when read and by a sweep every minute.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { StateStore } from './store.js';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number; // ms; Infinity when it never expires
}

export interface MemoryStore extends StateStore {
  /** How many live entries a model holds (tests, metrics). */
  size(model: string): number;
}

export interface MemoryStoreOptions {
  /** Seconds an unused dynamically registered client is kept. */
  clientIdleTtlSeconds: number;
  now?: () => number;
}

export function createMemoryStore({
  clientIdleTtlSeconds,
  now = Date.now,
}: MemoryStoreOptions): MemoryStore {
  const models = new Map<string, Map<string, Entry>>();
  const storeOf = (model: string) => {
    let store = models.get(model);
    if (!store) {
      store = new Map();
      models.set(model, store);
    }
    return store;
  };
  const live = (store: Map<string, Entry>, id: string): Entry | undefined => {
    const entry = store.get(id);
    if (entry && entry.expiresAt <= now()) {
      store.delete(id);
      return undefined;
    }
    return entry;
  };

  function adapterFor(model: string): Adapter {
    const store = storeOf(model);
    const isClient = model === 'Client';
    const lifetime = (expiresIn: number | undefined) =>
      expiresIn
        ? expiresIn * 1000
        : isClient
          ? clientIdleTtlSeconds * 1000
          : Number.POSITIVE_INFINITY;
    const findBy = (field: 'uid' | 'userCode', value: string) => {
      for (const [id, entry] of store) {
        if (entry.payload[field] === value) return live(store, id)?.payload;
      }
      return undefined;
    };
    return {
      async upsert(id, payload, expiresIn) {
        store.set(id, { payload, expiresAt: now() + lifetime(expiresIn) });
      },
      async find(id) {
        const entry = live(store, id);
        // A registered client in use stays registered.
        if (entry && isClient) entry.expiresAt = now() + clientIdleTtlSeconds * 1000;
        return entry?.payload;
      },
      async findByUid(uid) {
        return findBy('uid', uid);
      },
      async findByUserCode(userCode) {
        return findBy('userCode', userCode);
      },
      async consume(id) {
        const entry = live(store, id);
        if (entry) entry.payload = { ...entry.payload, consumed: Math.floor(now() / 1000) };
      },
      async destroy(id) {
        store.delete(id);
      },
      async revokeByGrantId(grantId) {
        for (const [id, entry] of store) if (entry.payload.grantId === grantId) store.delete(id);
      },
    };
  }

  const sweeper = setInterval(() => {
    for (const store of models.values()) for (const id of store.keys()) live(store, id);
  }, 60_000);
  sweeper.unref();
  const records = (kind: string) => storeOf(`record:${kind}`);

  return {
    adapterFor,
    async put(kind, key, value, ttlSeconds) {
      records(kind).set(key, { payload: { value }, expiresAt: now() + ttlSeconds * 1000 });
    },
    async get<T>(kind: string, key: string) {
      return live(records(kind), key)?.payload.value as T | undefined;
    },
    async take<T>(kind: string, key: string) {
      const entry = live(records(kind), key);
      records(kind).delete(key);
      return entry?.payload.value as T | undefined;
    },
    async count(kind, key, windowSeconds) {
      const entry = live(records(kind), key);
      const value = ((entry?.payload.value as number | undefined) ?? 0) + 1;
      if (entry) entry.payload = { value };
      else records(kind).set(key, { payload: { value }, expiresAt: now() + windowSeconds * 1000 });
      return value;
    },
    close() {
      clearInterval(sweeper);
    },
    size(model) {
      const store = storeOf(model);
      for (const id of store.keys()) live(store, id);
      return store.size;
    },
  };
}
