/**
 * What one client can make the session lane hold, through the whole app over real sockets,
 * with the session records in the machine's Redis (REDIS_URL, default 127.0.0.1:6379; the test
 * fails without it): an initialize keeps only what a replay needs, size-capped.
 */
import { randomUUID } from 'node:crypto';
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
