/**
 * What one client can make the session lane hold, through the whole app over real sockets:
 * an initialize keeps only what a replay needs, size-capped (records in the machine's Redis,
 * REDIS_URL, default 127.0.0.1:6379; the test fails without it); one principal holds only its
 * share of the sessions, and a refused client learns how soon a place can free up.
 */
import { randomUUID } from 'node:crypto';
import { hashApiKey, mintApiKey } from '@mcp-runway/auth';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, SHARED_REDIS_URL } from './test/redis.js';
import { type RunningApp, startApp } from './test/start.js';

const JSON_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};
const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'bounds', version: '1' },
  },
};

function post(
  app: RunningApp,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(app.mcpUrl, {
    method: 'POST',
    headers: { ...JSON_HEADERS, 'mcp-protocol-version': '2025-11-25', ...headers },
    body: JSON.stringify(body),
  });
}

describe('an initialize keeps only what a replay needs', () => {
  const keyPrefix = `test:express-sessions:${randomUUID()}`;
  let redis: Redis;
  let app: RunningApp;
  beforeAll(async () => {
    redis = await connectRedis(); // fails loudly when Redis is down
    app = await startApp(
      { REDIS_URL: SHARED_REDIS_URL, SESSION_INITIALIZE_MAX_BYTES: '4kb' },
      { keyPrefix },
    );
  });
  afterAll(async () => {
    await app?.close();
    if (redis) {
      await deleteKeys(redis, keyPrefix);
      redis.disconnect();
    }
  });

  it('stores a small record for an initialize padded with 900 KB', async () => {
    const padding = 'x'.repeat(300_000);
    const padded = {
      ...initialize,
      params: {
        ...initialize.params,
        padding,
        _meta: { padding },
        clientInfo: { ...initialize.params.clientInfo, padding },
      },
    };
    const response = await post(app, padded);
    await response.text();
    expect(response.status).toBe(200);
    const key = `${keyPrefix}:sessions:${response.headers.get('mcp-session-id')}`;
    expect(await redis.hstrlen(key, 'i')).toBeLessThan(512);
    expect(Number(await redis.call('MEMORY', 'USAGE', key))).toBeLessThan(2_048);
  });

  it('refuses an initialize whose kept part is over SESSION_INITIALIZE_MAX_BYTES, and keeps serving', async () => {
    const before = app.sessions.registry.stats.created;
    const oversized = {
      ...initialize,
      params: {
        ...initialize.params,
        capabilities: { experimental: { blob: { data: 'y'.repeat(5_000) } } },
      },
    };
    const refused = await post(app, oversized);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('mcp-session-id')).toBeNull();
    const { error } = (await refused.json()) as { error: { code: number; message: string } };
    expect(error.code).toBe(-32602);
    expect(error.message).toMatch(/at most 4096 bytes/);

    const accepted = await post(app, initialize);
    await accepted.text();
    expect(accepted.status).toBe(200);
    expect(app.sessions.registry.stats.created).toBe(before + 1);
  });
});

describe('SESSION_MAX=8 with SESSION_MAX_PER_PRINCIPAL=3', () => {
  const keys = { alice: mintApiKey(), bob: mintApiKey(), carol: mintApiKey() };
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({
      AUTH_MODE: 'apikey',
      API_KEYS: Object.entries(keys)
        .map(([name, key]) => `${name}::${hashApiKey(key)}`)
        .join(','),
      SESSION_MAX: '8',
      SESSION_MAX_PER_PRINCIPAL: '3',
    });
  });
  afterAll(() => app?.close());

  const as = (name: keyof typeof keys) => ({ authorization: `Bearer ${keys[name]}` });
  async function open(name: keyof typeof keys): Promise<Response> {
    const response = await post(app, initialize, as(name));
    await response.clone().text();
    return response;
  }
  async function opened(name: keyof typeof keys): Promise<string> {
    const response = await open(name);
    expect(response.status).toBe(200);
    return response.headers.get('mcp-session-id') ?? '';
  }

  it("keeps one principal to its share, serves the others, and answers a full table's Retry-After in seconds", async () => {
    const alices = [await opened('alice'), await opened('alice'), await opened('alice')];
    const beyond = await open('alice');
    expect(beyond.status).toBe(429);
    const retryAfter = Number(beyond.headers.get('retry-after'));
    // Her sessions are idle: the oldest can give way once dormant (SESSION_DORMANT_AFTER_MS,
    // a minute), long before the 30-minute idle timeout.
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const { error } = (await beyond.json()) as { error: { code: number; data: unknown } };
    expect(error).toMatchObject({
      code: -31429,
      data: { retryAfterSeconds: retryAfter, limit: 3 },
    });

    // Everyone else still gets sessions, until the table is full.
    for (const name of ['bob', 'bob', 'bob', 'carol', 'carol'] as const) await opened(name);
    const full = await open('carol');
    expect(full.status).toBe(503);
    expect(Number(full.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(app.sessions.registry.stats).toMatchObject({ active: 8, refused: 2 });

    // One DELETE frees a place at once.
    const ended = await fetch(app.mcpUrl, {
      method: 'DELETE',
      headers: { ...as('alice'), 'mcp-session-id': alices[0] ?? '' },
    });
    expect(ended.status).toBe(200);
    await opened('carol');
    expect(app.sessions.registry.stats.active).toBe(8);
  });
});

describe('anonymous callers', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ SESSION_MAX: '8', SESSION_MAX_PER_PRINCIPAL: '1', TRUST_PROXY: '1' });
  });
  afterAll(() => app?.close());

  it('count by client address, as the rate limit does (X-Forwarded-For as far as TRUST_PROXY says)', async () => {
    const from = (address: string) => post(app, initialize, { 'x-forwarded-for': address });
    const statuses: number[] = [];
    for (const address of ['203.0.113.1', '203.0.113.1', '203.0.113.2']) {
      const response = await from(address);
      await response.text();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 429, 200]);
  });
});
