/**
 * The Redis state store against a real redis-server (127.0.0.1:6379): what oidc-provider's
 * adapter contract needs (find, consume, the uid index, revocation by grant, expiry) and the
 * sliding expiry of registered clients.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from './redis-store.js';
import type { StateStore } from './store.js';

const PREFIX = `runway-store-test-${randomBytes(4).toString('hex')}`;
let redis: Redis;
let store: StateStore;

beforeAll(() => {
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  store = createRedisStore({ redis, keyPrefix: PREFIX, clientIdleTtlSeconds: 100 });
});
afterAll(async () => {
  const keys = await redis.keys(`${PREFIX}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('the Redis state store', () => {
  it('finds what was stored, marks it consumed, and finds it by uid', async () => {
    const sessions = store.adapterFor('Session');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'a' }, 60);
    expect(await sessions.find('s1')).toEqual({ uid: 'u1', accountId: 'a' });
    expect(await sessions.findByUid('u1')).toEqual({ uid: 'u1', accountId: 'a' });
    const codes = store.adapterFor('AuthorizationCode');
    await codes.upsert('c1', { grantId: 'g1' }, 60);
    await codes.consume('c1');
    expect((await codes.find('c1'))?.consumed).toBeGreaterThan(0);
    expect(await redis.ttl(`${PREFIX}:oauth:m:AuthorizationCode:c1`)).toBeGreaterThan(50);
  });

  it('revokes everything issued under a grant, across models', async () => {
    const access = store.adapterFor('AccessToken');
    const refresh = store.adapterFor('RefreshToken');
    await access.upsert('at1', { grantId: 'g2' }, 60);
    await refresh.upsert('rt1', { grantId: 'g2' }, 3600);
    await access.upsert('at2', { grantId: 'other' }, 60);
    expect(await redis.ttl(`${PREFIX}:oauth:g:g2`)).toBeGreaterThan(3000); // the longest entry's
    await access.revokeByGrantId('g2');
    expect(await access.find('at1')).toBeUndefined();
    expect(await refresh.find('rt1')).toBeUndefined();
    expect(await access.find('at2')).toEqual({ grantId: 'other' });
  });

  it('keeps a registered client while it is used', async () => {
    const clients = store.adapterFor('Client');
    await clients.upsert('client-1', { client_id: 'client-1' });
    const key = `${PREFIX}:oauth:m:Client:client-1`;
    await redis.expire(key, 5);
    await clients.find('client-1');
    expect(await redis.ttl(key)).toBeGreaterThan(90);
  });

  it('counts within a window that starts at the first count', async () => {
    expect(await store.count('registrations', 'ip:192.0.2.1', 60)).toBe(1);
    expect(await store.count('registrations', 'ip:192.0.2.1', 60)).toBe(2);
    expect(await redis.ttl(`${PREFIX}:oauth:r:registrations:ip:192.0.2.1`)).toBeGreaterThan(50);
  });

  it('hands a one-use record out once', async () => {
    await store.put('login', 'state-1', { uid: 'u' }, 60);
    expect(await store.get('login', 'state-1')).toEqual({ uid: 'u' });
    expect(await store.take('login', 'state-1')).toEqual({ uid: 'u' });
    expect(await store.take('login', 'state-1')).toBeUndefined();
  });
});
