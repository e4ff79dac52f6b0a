/**
 * Where the authorization server keeps its state: oidc-provider's models (sessions,
 * interactions, codes, grants, tokens, registered clients) through its adapter interface, and
 * this package's own short records (logins in flight, what each person may be granted,
 * remembered consents). In this process's memory by default (`createMemoryStore`), or in Redis
 * (`createRedisStore`) so that every replica sees the same state.
 */
import type { Adapter } from 'oidc-provider';

export interface RecordStore {
  put(kind: string, key: string, value: unknown, ttlSeconds: number): Promise<void>;
  get<T>(kind: string, key: string): Promise<T | undefined>;
  /** Reads and deletes, at once: a record meant for one use (a login's state). */
  take<T>(kind: string, key: string): Promise<T | undefined>;
  /** Adds one to a counter that starts when first counted and ends `windowSeconds` later. */
  count(kind: string, key: string, windowSeconds: number): Promise<number>;
}

export interface StateStore extends RecordStore {
  /** The adapter oidc-provider constructs per model (`adapter` in its configuration). */
  adapterFor(model: string): Adapter;
  close(): void;
}
