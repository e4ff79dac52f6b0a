/**
 * Where oidc-provider keeps what it issues (sessions, interactions, codes, grants, tokens,
 * registered clients): in this process's memory. Each entry expires when oidc-provider says;
 * a client registered by DCR expires after OAUTH_DCR_CLIENT_IDLE_TTL_S without use, each use
 * pushing that back.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number; // ms; Infinity when it never expires
}

export interface MemoryStore {
  /** The adapter oidc-provider constructs per model (`adapter` in its configuration). */
  adapterFor(model: string): Adapter;
  /** Drops expired entries (also done lazily on every read). */
  sweep(): void;
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

  return {
    adapterFor,
    sweep() {
      for (const store of models.values()) for (const id of store.keys()) live(store, id);
    },
    size(model) {
      const store = storeOf(model);
      for (const id of store.keys()) live(store, id);
      return store.size;
    },
  };
}
