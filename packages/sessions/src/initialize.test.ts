/**
 * What a session keeps of its client: only what replaying initialize needs, size-capped, and
 * a log level only when it is one. Over a real loopback server, with records in real Redis
 * (REDIS_URL, which must be up) where their size is the point.
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keptInitialize } from './initialize.js';
import { RedisSessionStore } from './store/redis.js';
import { type Instance, type InstanceOptions, startInstance } from './test/instance.js';
import { initializeRaw, initializeRequest, messagesOf, post } from './test/raw.js';
import { connectRedis, deleteKeys, uniquePrefix } from './test/redis.js';

const prefix = uniquePrefix();
let redis: Redis;
const instances: Instance[] = [];

beforeAll(async () => {
  redis = await connectRedis();
});
afterEach(async () => {
  await Promise.all(instances.splice(0).map((instance) => instance.close()));
});
afterAll(async () => {
  if (redis) await deleteKeys(redis, prefix);
  await redis?.quit();
});

async function start(options: InstanceOptions = {}): Promise<Instance> {
  const instance = await startInstance({
    store: new RedisSessionStore({ redis, keyPrefix: prefix }),
    ...options,
  });
  instances.push(instance);
  return instance;
}

const padding = 'x'.repeat(300_000);
/** An initialize that carries 900 KB the server has no use for, in three places. */
const padded = {
  ...initializeRequest,
  params: {
    ...initializeRequest.params,
    padding,
    _meta: { padding },
    clientInfo: { ...initializeRequest.params.clientInfo, padding },
  },
};

describe('what a session keeps of its initialize', () => {
  it('keeps a small record of a padded initialize, in Redis and in the live server', async () => {
    const instance = await start();
    const response = await post(instance.url, padded);
    await response.text();
    expect(response.status).toBe(200);
    const id = response.headers.get('mcp-session-id') ?? '';

    const key = `${prefix}:${id}`;
    expect(await redis.hstrlen(key, 'i')).toBeLessThan(512);
    expect(Number(await redis.call('MEMORY', 'USAGE', key))).toBeLessThan(2_048);
    // The server of the session saw the same trimmed request, not the padding.
    const server = instance.servers.at(-1)?.server;
    expect(server?.getClientVersion()).toEqual(initializeRequest.params.clientInfo);
    expect(server?.getClientCapabilities()).toEqual(initializeRequest.params.capabilities);
  });

  it('refuses an initialize whose kept part is over the cap with 400 and -32602, and keeps serving', async () => {
    const instance = await start({ maxInitializeBytes: 4_096 });
    const oversized = {
      ...initializeRequest,
      params: {
        ...initializeRequest.params,
        capabilities: { experimental: { blob: { data: 'y'.repeat(5_000) } } },
      },
    };
    const records = () => redis.keys(`${prefix}:*`).then((keys) => keys.length);
    const before = await records();
    const refused = await post(instance.url, oversized);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('mcp-session-id')).toBeNull();
    const body = (await refused.json()) as { id: unknown; error: { code: number; data: unknown } };
    expect(body.id).toBe(initializeRequest.id);
    expect(body.error.code).toBe(-32602);
    expect(body.error.data).toMatchObject({ limitBytes: 4_096 });
    expect(instance.registry.stats).toMatchObject({ active: 0, created: 0 });
    expect(await records()).toBe(before);

    // The server goes on serving everyone, this client included with a smaller initialize.
    const id = await initializeRaw(instance.url);
    const ping = await post(
      instance.url,
      { jsonrpc: '2.0', id: 2, method: 'ping' },
      { 'mcp-session-id': id },
    );
    expect(ping.status).toBe(200);
  });

  it('rebuilds a dormant session from the trimmed record into the same server state', async () => {
    const clock = { now: 1_000_000 };
    const instance = await start({
      now: () => clock.now,
      sweepIntervalMs: 3_600_000,
      dormantAfterMs: 1_000,
    });
    const response = await post(instance.url, padded);
    await response.text();
    const id = response.headers.get('mcp-session-id') ?? '';
    clock.now += 1_000;
    instance.registry.sweep();
    expect(instance.registry.stats).toMatchObject({ live: 0, dormant: 1 });

    const ping = await post(
      instance.url,
      { jsonrpc: '2.0', id: 2, method: 'ping' },
      { 'mcp-session-id': id },
    );
    expect(await messagesOf(ping)).toEqual([{ jsonrpc: '2.0', id: 2, result: {} }]);
    expect(instance.registry.stats.woken).toBe(1);
    const [first, rebuilt] = instance.servers.map((server) => server.server);
    expect(rebuilt?.getClientVersion()).toEqual(first?.getClientVersion());
    expect(rebuilt?.getClientCapabilities()).toEqual(first?.getClientCapabilities());
  });
});

describe('the log level a session keeps', () => {
  it('keeps a level the server accepted, and nothing of one it refused', async () => {
    const instance = await start();
    const id = await initializeRaw(instance.url);
    const setLevel = (level: string) =>
      post(
        instance.url,
        { jsonrpc: '2.0', id: 3, method: 'logging/setLevel', params: { level } },
        { 'mcp-session-id': id },
      ).then(messagesOf);

    expect(await setLevel('warning')).toEqual([{ jsonrpc: '2.0', id: 3, result: {} }]);
    const refused = await setLevel('z'.repeat(100_000));
    expect(refused[0]?.error).toBeDefined();
    // The store writes the level as the answer goes out, on this same connection: this read
    // comes after it.
    expect(await redis.hget(`${prefix}:${id}`, 'l')).toBe('warning');
  });
});

describe('keptInitialize', () => {
  it('keeps the protocol version, the capabilities and who the client is, and drops the rest', () => {
    const { json, request } = keptInitialize(
      {
        ...padded,
        params: {
          ...padded.params,
          clientInfo: {
            name: 'c',
            title: 'C',
            version: '1',
            description: 'd',
            websiteUrl: 'https://example.com',
            icons: [{ src: 'data:image/png;base64,AAAA' }],
          },
        },
      },
      8_192,
    );
    const params = {
      protocolVersion: '2025-11-25',
      capabilities: { roots: { listChanged: true } },
      clientInfo: { name: 'c', title: 'C', version: '1' },
    };
    expect(JSON.parse(json)).toEqual({ jsonrpc: '2.0', method: 'initialize', params });
    // The request the session's server gets: the client's own, with the same params.
    expect(request).toEqual({ jsonrpc: '2.0', id: 1, method: 'initialize', params });
  });

  it('leaves what it cannot read for the SDK to refuse, and keeps the cap on it too', () => {
    expect(JSON.parse(keptInitialize({ method: 'initialize', params: 'odd' }, 100).json)).toEqual({
      jsonrpc: '2.0',
      method: 'initialize',
      params: 'odd',
    });
    expect(() => keptInitialize({ method: 'initialize', params: 'o'.repeat(200) }, 100)).toThrow(
      /100 bytes/,
    );
  });
});
