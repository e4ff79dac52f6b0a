/**
 * Two instances ("A" and "B": two registries behind two loopback servers) sharing real Redis
 * (REDIS_URL, default 127.0.0.1:6379, which must be up), and one SDK client that a switchable
 * fetch moves from A to B, as a load balancer would when A goes away.
 */
import { fixtureChecks, fixtureToolNames, textOf } from '@mcp-runway/testing/fixture-server';
import type { Client } from '@modelcontextprotocol/client';
import type { McpServer } from '@modelcontextprotocol/server';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RedisEventStores } from './events/redis.js';
import { RedisSessionStore } from './store/redis.js';
import { connectClient, type SseEvent } from './test/client.js';
import {
  type Instance,
  type InstanceOptions,
  PRINCIPAL_HEADER,
  startInstance,
} from './test/instance.js';
import { initializeRaw, post } from './test/raw.js';
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

/**
 * The pair's shared state, as a database would be: named counts that the `tally` tool adds to
 * (`add: 0` reads one). Both instances' servers register the tool and close over the one Map,
 * so a write on A is seen from B, and a call run twice would count twice.
 */
let tallies: Map<string, number>;
const tallyInput = z.object({ name: z.string(), add: z.number().int().min(0).default(1) });

function registerTally(server: McpServer): void {
  server.registerTool(
    'tally',
    { description: 'Adds to a named count kept outside the server.', inputSchema: tallyInput },
    async ({ name, add }) => {
      const total = (tallies.get(name) ?? 0) + add;
      tallies.set(name, total);
      return { content: [{ type: 'text', text: String(total) }], structuredContent: { total } };
    },
  );
}

async function tally(client: Client, name: string, add?: number): Promise<number> {
  const result = await client.callTool({ name: 'tally', arguments: { name, add } });
  expect(result.isError, textOf(result)).toBeFalsy();
  return (result.structuredContent as { total: number }).total;
}

const pairToolNames = [...fixtureToolNames, 'tally'].sort();

async function startPair(overrides: InstanceOptions = {}): Promise<void> {
  tallies = new Map();
  const shared = (): InstanceOptions => ({
    ...overrides,
    store: new RedisSessionStore({ redis, keyPrefix: `${prefix}:sessions` }),
    eventStores: new RedisEventStores({ redis, keyPrefix: `${prefix}:events` }),
    retryIntervalMs: 100,
    decorate: registerTally,
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
      { name: 'slow', arguments: { steps: 3, stepMs: 150 } },
      { onprogress: () => {}, timeout: 15_000 },
    );
    await waitFor('the first progress event', () =>
      parsed(events).some((message) => message.method === 'notifications/progress'),
    );
    // A's connections drop; the tool keeps running on A, which writes its events to Redis.
    target.url = b.url;
    await a.kill();

    const result = await call;
    expect(textOf(result)).toBe('done after 3 steps');
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
    expect(await tally(client, 'made on A')).toBe(1);

    target.url = b.url;
    await a.kill();

    // The fixture's checks, on B; its tool list is checked here, as it includes `tally`.
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(pairToolNames);
    for (const check of fixtureChecks.filter((check) => check.name !== 'lists the fixture tools'))
      await check.run({ client, expectedCaller: 'alice' });
    expect(await tally(client, 'made on A', 0)).toBe(1);
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
    const before = await tally(client, 'once', 0);
    await tally(client, 'once');
    const after = await tally(client, 'once', 0);
    expect(after).toBe(before + 1);
    expect(tallies.get('once')).toBe(1);
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
    expect((await client.listTools()).tools).toHaveLength(pairToolNames.length);
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

  it("counts a session taken over in its principal's share: beyond it 429, the session kept", async () => {
    await startPair({ maxSessionsPerPrincipal: 1, dormantAfterMs: Number.POSITIVE_INFINITY });
    const alice = { [PRINCIPAL_HEADER]: 'alice' };
    const onA = await initializeRaw(a.url, alice);
    const onB = await initializeRaw(b.url, alice);
    const ping = (id: string) =>
      post(b.url, { jsonrpc: '2.0', id: 1, method: 'ping' }, { 'mcp-session-id': id, ...alice });

    const refused = await ping(onA);
    expect(refused.status).toBe(429);
    expect(b.registry.stats).toMatchObject({ active: 1, adopted: 0, refused: 1 });
    // Not lost: once Alice ends her other session on B, B carries this one on.
    await fetch(b.url, { method: 'DELETE', headers: { 'mcp-session-id': onB, ...alice } });
    expect((await ping(onA)).status).toBe(200);
    expect(b.registry.stats).toMatchObject({ active: 1, adopted: 1 });
  });

  it('ends a session held elsewhere on DELETE without taking it over, however full B is', async () => {
    await startPair({ maxSessions: 1 });
    const { client, transport } = await connectClient(a.url, 'alice');
    const bob = await connectClient(b.url, 'bob');
    expect(b.registry.stats.active).toBe(1);
    const headers = { 'mcp-session-id': transport.sessionId ?? '', [PRINCIPAL_HEADER]: 'alice' };
    expect((await fetch(b.url, { method: 'DELETE', headers })).status).toBe(200);
    expect(b.registry.stats).toMatchObject({ active: 1, adopted: 0, deleted: 1, refused: 0 });
    await expect(client.listTools()).rejects.toThrow(/404|Session not found/);
    await Promise.all([client.close(), bob.client.close()]);
  });
});
