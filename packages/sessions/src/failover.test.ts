/**
 * Two instances ("A" and "B": two registries behind two loopback servers) sharing real Redis
 * (REDIS_URL, default 127.0.0.1:6379, which must be up), and one SDK client that a switchable
 * fetch moves from A to B, as a load balancer would when A goes away.
 */
import { createInMemoryTicketStore } from '@mcp-runway/example-server';
import { serverChecks } from '@mcp-runway/example-server/testing';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisEventStores } from './events/redis.js';
import { RedisSessionStore } from './store/redis.js';
import { connectClient, type SseEvent } from './test/client.js';
import {
  type Instance,
  type InstanceOptions,
  PRINCIPAL_HEADER,
  startInstance,
} from './test/instance.js';
import { post } from './test/raw.js';
import { connectRedis, deleteKeys, uniquePrefix, waitFor } from './test/redis.js';

const prefix = uniquePrefix();
let redis: Redis;
let a: Instance;
let b: Instance;

beforeAll(async () => {
  redis = await connectRedis();
});
afterAll(async () => {
  if (redis) await deleteKeys(redis, prefix);
  await redis?.quit();
});

async function startPair(overrides: InstanceOptions = {}): Promise<void> {
  const ticketStore = createInMemoryTicketStore();
  const shared = (): InstanceOptions => ({
    ...overrides,
    store: new RedisSessionStore({ redis, keyPrefix: `${prefix}:sessions` }),
    eventStores: new RedisEventStores({ redis, keyPrefix: `${prefix}:events` }),
    retryIntervalMs: 100,
    ticketStore,
  });
  a = await startInstance(shared());
  b = await startInstance(shared());
}
afterEach(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

type Message = { id?: unknown; method?: string; result?: unknown; params?: { progress?: number } };
const parsed = (events: SseEvent[]): Message[] => events.map((event) => JSON.parse(event.data));

describe('resuming a dropped stream on another instance', () => {
  it('replays each missed event exactly once after Last-Event-ID, from Redis, on B', async () => {
    await startPair();
    const { client, target, events, requests } = await connectClient(a.url, 'alice');
    const call = client.callTool(
      { name: 'generate_report', arguments: { sections: ['status', 'priority', 'labels'] } },
      { onprogress: () => {}, timeout: 15_000 },
    );
    await waitFor('the first progress event', () =>
      parsed(events).some((message) => message.method === 'notifications/progress'),
    );
    // A's connections drop; the tool keeps running on A, which writes its events to Redis.
    target.url = b.url;
    await a.kill();

    const result = await call;
    expect((result.structuredContent as { sections: unknown[] }).sections).toHaveLength(3);
    const messages = parsed(events);
    const progress = messages
      .filter((message) => message.method === 'notifications/progress')
      .map((message) => message.params?.progress);
    expect(progress).toEqual([1, 2, 3]);
    expect(
      messages.filter((message) => message.result !== undefined && message.id !== 1),
    ).toHaveLength(1);
    const ids = events.map((event) => event.id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    // The client resumed with GET + Last-Event-ID on B; it never initialized again.
    expect(requests.filter((request) => request === 'GET').length).toBeGreaterThan(0);
    expect(requests.filter((request) => request === 'POST initialize')).toHaveLength(1);
    expect(b.registry.stats).toMatchObject({ created: 0, adopted: 1 });
    await client.close();
  }, 20_000);
});

describe('failover', () => {
  it('carries the session on on B when A dies, without a new initialize', async () => {
    await startPair();
    const { client, target, requests, transport } = await connectClient(a.url, 'alice');
    const sessionId = transport.sessionId;
    await client.callTool({ name: 'create_ticket', arguments: { title: 'Made on A' } });

    target.url = b.url;
    await a.kill();

    for (const check of serverChecks) await check.run({ client, expectedCaller: 'alice' });
    expect(transport.sessionId).toBe(sessionId);
    expect(requests.filter((request) => request === 'POST initialize')).toHaveLength(1);
    expect(a.registry.stats.created).toBe(1);
    expect(b.registry.stats).toMatchObject({ created: 0, adopted: 1, woken: 1 });
    await client.close();
  }, 20_000);

  it('runs a tool call accepted by B exactly once', async () => {
    await startPair();
    const { client, target } = await connectClient(a.url, 'alice');
    target.url = b.url;
    await a.kill();
    const before = (await client.callTool({ name: 'search_tickets', arguments: { text: 'Once' } }))
      .structuredContent as { total: number };
    await client.callTool({ name: 'create_ticket', arguments: { title: 'Once only' } });
    const after = (await client.callTool({ name: 'search_tickets', arguments: { text: 'Once' } }))
      .structuredContent as { total: number };
    expect(after.total).toBe(before.total + 1);
    await client.close();
  }, 20_000);

  it('refuses another principal on B too: the owner travels with the session', async () => {
    await startPair();
    const { client, transport } = await connectClient(a.url, 'alice');
    const response = await post(
      b.url,
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      {
        'mcp-session-id': transport.sessionId ?? '',
        [PRINCIPAL_HEADER]: 'mallory',
      },
    );
    expect(response.status).toBe(404);
    expect(b.registry.stats).toMatchObject({ adopted: 0, ownerMismatch: 1 });
    await client.close();
  });

  it("evicting A's idle copy does not end the session its client now uses on B", async () => {
    await startPair({ idleTimeoutMs: 400, dormantAfterMs: Number.POSITIVE_INFINITY });
    const { client, target } = await connectClient(a.url, 'alice', { withoutGetStream: true });
    target.url = b.url;
    await new Promise((resolve) => setTimeout(resolve, 100));
    await client.listTools();
    await waitFor('A to evict its idle copy', () => {
      a.registry.sweep();
      return a.registry.stats.evicted === 1;
    });
    await waitFor('A to close its server', () =>
      a.servers.every((server) => !server.isConnected()),
    );
    expect((await client.listTools()).tools).toHaveLength(5);
    expect(b.registry.stats).toMatchObject({ adopted: 1, active: 1, gone: 0 });
    await client.close();
  });

  it('ends the session everywhere on DELETE, whichever instance receives it', async () => {
    await startPair();
    const { client, transport } = await connectClient(a.url, 'alice');
    const headers = { 'mcp-session-id': transport.sessionId ?? '', [PRINCIPAL_HEADER]: 'alice' };
    const deleted = await fetch(b.url, { method: 'DELETE', headers });
    expect(deleted.status).toBe(200);
    // A still holds a copy; its next request finds the record gone and ends it.
    await expect(client.listTools()).rejects.toThrow(/404|Session not found/);
    expect(a.registry.stats).toMatchObject({ active: 0, gone: 1 });
    await waitFor('A to close its server', () =>
      a.servers.every((server) => !server.isConnected()),
    );
    await client.close();
  });
});
