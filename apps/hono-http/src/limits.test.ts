/**
 * Rate limits with real parts: two app instances sharing one budget through the machine's
 * redis-server, and outages (down, hung) on a redis-server of this test's own. The tools are
 * the pipeline fixture server's: `echo` costs 1 point, `slow` costs 5.
 */
import { randomUUID } from 'node:crypto';
import { hashApiKey, mintApiKey } from '@mcp-runway/auth';
import {
  connectRedis,
  type RedisServer,
  startRedisServer,
  waitFor,
} from '@mcp-runway/redis/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

const SHARED_REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

type ToolCall = { name: string; arguments: Record<string, unknown> };
const ECHO: ToolCall = { name: 'echo', arguments: { text: 'hi' } };
const SLOW: ToolCall = { name: 'slow', arguments: { steps: 1, stepMs: 1 } };

function call(
  app: RunningApp,
  key: string,
  tool: ToolCall = ECHO,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(app.mcpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${key}`,
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: tool,
    }),
  });
}

/** A fresh principal per run, so runs never share a budget in the shared Redis. */
function freshKey(): { key: string; env: Record<string, string> } {
  const key = mintApiKey();
  return {
    key,
    env: {
      AUTH_MODE: 'apikey',
      API_KEYS: `limit-test-${randomUUID().slice(0, 8)}::${hashApiKey(key)}`,
    },
  };
}

describe('a budget shared through Redis', () => {
  const { key, env } = freshKey();
  let a: RunningApp;
  let b: RunningApp;
  beforeAll(async () => {
    const settings = {
      ...env,
      REDIS_URL: SHARED_REDIS,
      RATE_LIMIT_POINTS: '8',
      RATE_LIMIT_DURATION_S: '60',
    };
    [a, b] = await Promise.all([startApp(settings), startApp(settings)]);
  });
  afterAll(() => Promise.all([a?.close(), b?.close()]));

  it('is spent across both instances, each response saying what is left', async () => {
    expect(a.security.limiter.store).toBe('redis');
    const remaining: (string | null)[] = [];
    for (const app of [a, b, a, b, a]) {
      const response = await call(app, key);
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBe('8');
      remaining.push(response.headers.get('ratelimit-remaining'));
      await response.body?.cancel();
    }
    expect(remaining).toEqual(['7', '6', '5', '4', '3']);
  });

  it('charges an expensive tool more, then refuses with 429, Retry-After and a JSON-RPC body', async () => {
    const slow = await call(b, key, SLOW); // costs 5 of the 3 left: refused
    expect(slow.status).toBe(429);
    expect(Number(slow.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(slow.headers.get('ratelimit-limit')).toBe('8');
    const body = (await slow.json()) as { error: { code: number } };
    expect(body.error.code).toBe(-31429);
    for (const app of [a, b, a]) expect((await call(app, key)).status).toBe(200);
    expect((await call(b, key)).status).toBe(429);
  });
});

describe('anonymous callers', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ RATE_LIMIT_POINTS: '5', RATE_LIMIT_DURATION_S: '60' });
  });
  afterAll(() => app.close());

  it('are limited by address, and a forged X-Forwarded-For buys no new budget', async () => {
    const statuses: number[] = [];
    for (const forwarded of ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4', '5.5.5.5', '6.6.6.6']) {
      const response = await call(app, 'none', ECHO, { 'x-forwarded-for': forwarded });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

describe('a Redis outage', () => {
  const { key, env } = freshKey();
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let a: RunningApp;
  let b: RunningApp;
  beforeAll(async () => {
    redis = await startRedisServer();
    const settings = {
      ...env,
      REDIS_URL: redis.url,
      RATE_LIMIT_POINTS: '5',
      RATE_LIMIT_DURATION_S: '60',
    };
    [a, b] = await Promise.all([startApp(settings), startApp(settings)]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.kill();
  });

  it('keeps answering on a per-instance budget while Redis is down, and shares again when it is back', async () => {
    expect((await call(a, key)).status).toBe(200);
    await redis.kill();

    // Down: each instance answers at once from its own memory budget (fail open, bounded).
    const started = performance.now();
    const during = [await call(a, key), await call(b, key)];
    expect(during.map((response) => response.status)).toEqual([200, 200]);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(a.security.limiter.stats.degraded).toBe(true);
    expect(a.security.limiter.stats.redisErrors).toBeGreaterThan(0);
    expect((await fetch(`${a.url}/health`)).status).toBe(200);
    expect(a.logs()).toContain('Redis');

    await redis.restart();
    await waitFor('the limiter to reach Redis again', async () => {
      const response = await call(a, key);
      await response.body?.cancel();
      return !a.security.limiter.stats.degraded;
    });
    // The restarted Redis is empty: the shared budget starts over and both instances spend it.
    const after: number[] = [];
    for (const app of [a, b, a, b, a, b]) after.push((await call(app, key)).status);
    expect(after).toContain(429);
    expect(after.filter((status) => status === 200).length).toBeLessThanOrEqual(5);
  });
});

describe('a hung Redis', () => {
  const { key, env } = freshKey();
  let redis: RedisServer;
  /** Another connection, to read what Redis ran. */
  let observer: Redis;
  let app: RunningApp;
  beforeAll(async () => {
    redis = await startRedisServer();
    observer = await connectRedis(redis.url);
    app = await startApp({ ...env, REDIS_URL: redis.url, RATE_LIMIT_POINTS: '1000' });
  });
  afterAll(async () => {
    await app?.close();
    observer?.disconnect();
    await redis?.kill();
  });

  const statusOf = async (response: Promise<Response>) => {
    const { status, body } = await response;
    await body?.cancel();
    return status;
  };
  const readiness = async () =>
    (await (await fetch(`${app.url}/ready`)).json()) as { degraded?: true };
  /** How many times Redis ran the limiter's script. */
  const scripts = async () =>
    Number(/cmdstat_evalsha:calls=(\d+)/.exec(await observer.info('commandstats'))?.[1] ?? 0);

  it('stops waiting on it once the circuit opens: calls go to memory unsent, /ready says degraded, the metrics say open', async () => {
    expect(await statusOf(call(app, key))).toBe(200);
    expect(await readiness()).toEqual({
      status: 'ok',
      dependencies: { redis: { degraded: false, circuit: 'closed', since: expect.any(String) } },
    });
    const before = await scripts();

    redis.freeze();
    try {
      // Sent while the circuit is closed: each waits out the command timeout, then succeeds.
      const first = await Promise.all(Array.from({ length: 8 }, () => statusOf(call(app, key))));
      expect(first).toEqual(Array(8).fill(200));
      // Open: still ready (it serves on per-instance limits), and says so.
      const ready = await fetch(`${app.url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ok',
        degraded: true,
        dependencies: { redis: { degraded: true, circuit: expect.stringMatching(/open/) } },
      });
      const metrics = await (await fetch(app.metricsUrl)).text();
      expect(metrics).toMatch(/^mcp_redis_circuit_state\{state="closed"\} 0$/m);
      expect(metrics).toMatch(/^mcp_redis_circuit_transitions_total\{to="open"\} [1-9]/m);
      // From now on the memory budget answers, without a command to Redis.
      for (let request = 0; request < 20; request++) {
        expect(await statusOf(call(app, key))).toBe(200);
      }
    } finally {
      redis.thaw();
    }

    // Its probe answered after what Redis was sent while hung: the circuit closes.
    await waitFor('the circuit to close', async () => !(await readiness()).degraded, 10_000);
    // Only what was sent before the circuit opened reached Redis: at most the eight first
    // calls' budget scripts (fewer when their failed-authentication reads, which go first,
    // used up the failures that opened it), none of the twenty calls after.
    expect((await scripts()) - before).toBeLessThanOrEqual(8);
    const metrics = await (await fetch(app.metricsUrl)).text();
    expect(metrics).toMatch(/^mcp_redis_circuit_state\{state="closed"\} 1$/m);
    expect(metrics).toMatch(/^mcp_redis_circuit_rejected_total [1-9]/m);
    // A warning when it opened (again, if a probe found Redis still hung), one line when it
    // closed.
    expect(app.logs().match(/Redis circuit open/g)?.length).toBeGreaterThanOrEqual(1);
    expect(app.logs().match(/Redis circuit closed/g)).toHaveLength(1);
  }, 20_000);
});
