/**
 * Both lanes while Redis hangs (SIGSTOP: connected, never answering), on a redis-server of
 * this file's own: the session held by this instance keeps working, new sessions are refused
 * with 503 at once, /ready stays 200 and says degraded, and once the circuit is open nothing
 * reaches Redis. What reached it is read from Redis itself once it answers again.
 */
import {
  connectRedis,
  type RedisServer,
  startRedisServer,
  waitFor,
} from '@mcp-runway/redis/testing';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

let server: RedisServer;
/** Another connection, to read what Redis ran. */
let observer: Redis;
let app: RunningApp;
beforeAll(async () => {
  server = await startRedisServer();
  observer = await connectRedis(server.url);
  app = await startApp({ REDIS_URL: server.url });
});
afterAll(async () => {
  await app?.close();
  observer?.disconnect();
  await server?.kill();
});

/** Commands Redis ran for limits, sessions and events: all but PING, INFO and the test's GETs. */
async function appCommands(): Promise<number> {
  const info = await observer.info('commandstats');
  let total = 0;
  for (const [, command, calls] of info.matchAll(/cmdstat_([\w|]+):calls=(\d+)/g)) {
    if (!['ping', 'info', 'get'].includes(command ?? '')) total += Number(calls);
  }
  return total;
}

const readiness = async () =>
  (await (await fetch(`${app.url}/ready`)).json()) as {
    degraded?: true;
    dependencies: { redis: { circuit: string } };
  };

function initialize(): Promise<Response> {
  return fetch(app.mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
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
}

describe('a hung Redis', () => {
  it('keeps the held session working and sends Redis nothing once the circuit is open', async () => {
    const redis = app.redis;
    if (!redis) throw new Error('REDIS_URL is set: the app has a connection');
    const client = new Client({ name: 'hung-redis-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(app.mcpUrl));
    // Answered, and not an error result.
    const echo = async () =>
      (await client.callTool({ name: 'echo', arguments: { text: 'hi' } })).isError ?? false;
    expect(await echo()).toBe(false);
    const before = await appCommands();

    server.freeze();
    const statuses: number[] = [];
    try {
      // Five commands time out, so the circuit is open before any MCP request.
      await Promise.allSettled(Array.from({ length: 5 }, () => redis.get('trip')));
      expect((await readiness()).dependencies.redis.circuit).toMatch(/open/);
      for (let call = 0; call < 10; call++) expect(await echo()).toBe(false);
      statuses.push((await initialize()).status);
      const ready = await fetch(`${app.url}/ready`);
      statuses.push(ready.status);
      expect(await ready.json()).toMatchObject({ status: 'ok', degraded: true });
    } finally {
      server.thaw();
    }
    // A new session would not be resumable elsewhere: 503 (retry); the instance stays ready.
    expect(statuses).toEqual([503, 200]);
    await waitFor('the circuit to close', async () => !(await readiness()).degraded, 10_000);
    // Limits, the session record and its events: nothing was sent while the circuit was open.
    expect(await appCommands()).toBe(before);
    expect(await echo()).toBe(false);
    expect(await appCommands()).toBeGreaterThan(before);
    expect((await initialize()).status).toBe(200);
    await client.close();
  }, 30_000);
});
