/**
 * Rate limits through the Express adapter, and the Redis-backed mode: two instances sharing
 * the machine's redis-server (REDIS_URL, default 127.0.0.1:6379; the test fails without it)
 * share sessions, SSE events and budgets, as replicas behind nginx do.
 */
import { randomUUID } from 'node:crypto';
import { hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, SHARED_REDIS_URL } from './test/redis.js';
import { type RunningApp, startApp } from './test/start.js';

const JSON_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};
function callTool(app: RunningApp, tool: string, args: Record<string, unknown>) {
  return fetch(app.mcpUrl, {
    method: 'POST',
    headers: {
      ...JSON_HEADERS,
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': tool,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: {
        name: tool,
        arguments: args,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    }),
  });
}

describe('rate limits through the Express adapter', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ RATE_LIMIT_POINTS: '6', RATE_LIMIT_DURATION_S: '60' });
  });
  afterAll(() => app.close());

  it('charges each tool its cost on either lane, then answers 429 with Retry-After and a JSON-RPC body', async () => {
    const first = await callTool(app, 'echo', { text: 'one point' });
    expect([first.status, first.headers.get('ratelimit-remaining')]).toEqual([200, '5']);
    await first.body?.cancel();
    // A 2025 initialize spends from the same budget: it is the same caller.
    const legacy = await fetch(app.mcpUrl, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'x', version: '1' },
        },
      }),
    });
    expect([legacy.status, legacy.headers.get('ratelimit-remaining')]).toEqual([200, '4']);
    await legacy.body?.cancel();

    const slow = await callTool(app, 'slow', { steps: 1, stepMs: 1 }); // costs 5 of the 4 left
    expect(slow.status).toBe(429);
    expect(Number(slow.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(slow.headers.get('ratelimit-limit')).toBe('6');
    expect(slow.headers.get('x-content-type-options')).toBe('nosniff');
    expect(((await slow.json()) as { error: { code: number } }).error.code).toBe(-31429);
  });
});

describe('REDIS_URL: two instances sharing sessions, events and budgets', () => {
  const keyPrefix = `test:express-sessions:${randomUUID()}`;
  const key = mintApiKey();
  const principal = `shared-${randomUUID().slice(0, 8)}`;
  let redis: Redis;
  let a: RunningApp;
  let b: RunningApp;
  beforeAll(async () => {
    redis = await connectRedis(); // fails loudly when Redis is down
    const env = {
      REDIS_URL: SHARED_REDIS_URL,
      AUTH_MODE: 'apikey',
      API_KEYS: `${principal}::${hashApiKey(key)}`,
      RATE_LIMIT_POINTS: '1000',
    };
    [a, b] = await Promise.all([startApp(env, { keyPrefix }), startApp(env, { keyPrefix })]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    if (redis) {
      await deleteKeys(redis, keyPrefix);
      redis.disconnect();
    }
  });

  it('keeps the session in Redis, so the other instance serves it without a new initialize', async () => {
    expect([a.sessions.store, a.security.limiter.store]).toEqual(['redis', 'redis']);
    const client = new Client({ name: 'replica-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(a.mcpUrl, {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    });
    await client.connect(transport);
    const sessionId = transport.sessionId ?? '';
    expect(await redis.exists(`${keyPrefix}:sessions:${sessionId}`)).toBe(1);
    expect((await redis.hget(`${keyPrefix}:sessions:${sessionId}`, 'p')) ?? '').toBe(
      `apikey:${principal}`,
    );

    // The load balancer sends the next request to B, which has never seen this session.
    const onB = await fetch(b.mcpUrl, {
      method: 'POST',
      headers: {
        ...JSON_HEADERS,
        authorization: `Bearer ${key}`,
        'mcp-session-id': sessionId,
        'mcp-protocol-version': '2025-11-25',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 9,
        method: 'tools/call',
        params: { name: 'whoami', arguments: {} },
      }),
    });
    // The call ran on B, in the session, as the key's principal.
    expect(onB.status).toBe(200);
    expect(await onB.text()).toContain(`"structuredContent":{"id":"${principal}"`);
    expect(b.sessions.registry.stats.adopted).toBe(1);
    // Budgets are shared too: both instances spent from the same one.
    expect(Number(onB.headers.get('ratelimit-remaining'))).toBeLessThan(997);

    await client.close();
  });
});
