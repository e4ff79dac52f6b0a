/**
 * Idle eviction, absolute lifetime, SESSION_MAX and drain, on a fake clock with manual sweeps
 * (the registry's own timer is set too far out to fire), over a real loopback server.
 */
import { fixtureToolNames } from '@mcp-runway/testing/fixture-server';
import { McpServer } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryEventStores } from './events/memory.js';
import type { SessionEvent } from './stats.js';
import { MemorySessionStore } from './store/memory.js';
import { connectClient } from './test/client.js';
import {
  type Instance,
  type InstanceOptions,
  PRINCIPAL_HEADER,
  startInstance,
} from './test/instance.js';
import { initializeRaw, initializeRequest, post } from './test/raw.js';
import { waitFor } from './test/redis.js';

const clock = { now: 1_000_000 };
const instances: Instance[] = [];

async function start(options: InstanceOptions): Promise<Instance> {
  clock.now = 1_000_000;
  const instance = await startInstance({
    now: () => clock.now,
    sweepIntervalMs: 3_600_000,
    dormantAfterMs: Number.POSITIVE_INFINITY,
    ...options,
  });
  instances.push(instance);
  return instance;
}

afterEach(async () => {
  await Promise.all(instances.splice(0).map((instance) => instance.close()));
});

/** A server whose one tool reports progress once, then works until its call is cancelled. */
function holdingServer(): McpServer {
  const server = new McpServer({ name: 'holding', version: '1.0.0' });
  server.registerTool('hold', { inputSchema: z.object({}) }, async (_args, ctx) => {
    const progressToken = ctx.mcpReq._meta?.progressToken;
    if (progressToken !== undefined) {
      await ctx.mcpReq.notify({
        method: 'notifications/progress',
        params: { progressToken, progress: 1 },
      });
    }
    const { signal } = ctx.mcpReq;
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    return { content: [{ type: 'text', text: 'cancelled' }], isError: true };
  });
  return server;
}

const ping = (url: string, id: string) =>
  post(url, { jsonrpc: '2.0', id: 9, method: 'ping' }, { 'mcp-session-id': id });

describe('idle eviction', () => {
  it('evicts a session idle past the timeout and closes its server and transport', async () => {
    const instance = await start({ idleTimeoutMs: 1_000 });
    const id = await initializeRaw(instance.url);
    const [server] = instance.servers;

    clock.now += 999;
    instance.registry.sweep();
    expect(instance.registry.stats).toMatchObject({ active: 1, live: 1, evicted: 0 });
    expect((await ping(instance.url, id)).status).toBe(200);

    clock.now += 1_000;
    instance.registry.sweep();
    await waitFor('the server to close', () => server?.isConnected() === false);
    expect(instance.registry.stats).toMatchObject({ active: 0, live: 0, evicted: 1 });
    expect((await ping(instance.url, id)).status).toBe(404);
  });

  it('reports when an evicted session was created and which protocol version it asked for', async () => {
    const events: SessionEvent[] = [];
    const instance = await start({ idleTimeoutMs: 1_000, onEvent: (event) => events.push(event) });
    const createdAt = clock.now;
    await initializeRaw(instance.url);
    clock.now += 5_000;
    instance.registry.sweep();
    expect(events.map((event) => event.type)).toEqual(['created', 'evicted']);
    // What the metrics layer needs for a session's lifetime (mcp.server.session.duration).
    expect(events[1]).toMatchObject({ createdAt, protocolVersion: '2025-11-25' });
  });

  it('evicts on access too: a request after the deadline gets 404 before any sweep', async () => {
    const instance = await start({ idleTimeoutMs: 1_000 });
    const id = await initializeRaw(instance.url);
    clock.now += 1_000;
    expect((await ping(instance.url, id)).status).toBe(404);
    expect(instance.servers[0]?.isConnected()).toBe(false);
    expect(instance.registry.stats.evicted).toBe(1);
  });

  it('does not evict a session while its client holds the GET stream open', async () => {
    const instance = await start({ idleTimeoutMs: 1_000 });
    const { client } = await connectClient(instance.url);
    // The SDK client opens its GET stream right after initialize.
    await waitFor('the GET stream', () => instance.registry.stats.inUse === 1);
    clock.now += 5_000;
    instance.registry.sweep();
    expect((await client.listTools()).tools).toHaveLength(fixtureToolNames.length);
    expect(instance.registry.stats.evicted).toBe(0);

    await client.close();
    await waitFor('eviction once the stream is gone', () => {
      clock.now += 1_000;
      instance.registry.sweep();
      return instance.registry.stats.evicted === 1;
    });
    await waitFor('the server to close', () => instance.servers[0]?.isConnected() === false);
  });
});

describe('no leak', () => {
  it('churns sessions through eviction and keeps no server, record or event of them', async () => {
    const store = new MemorySessionStore({ now: () => clock.now });
    const eventStores = new MemoryEventStores({ now: () => clock.now });
    const instance = await start({
      idleTimeoutMs: 1_000,
      maxSessions: 20,
      maxSessionsPerPrincipal: 20,
      store,
      eventStores,
    });
    for (let round = 0; round < 5; round++) {
      const ids = await Promise.all(Array.from({ length: 20 }, () => initializeRaw(instance.url)));
      for (const id of ids) expect((await ping(instance.url, id)).status).toBe(200);
      clock.now += 1_000;
      instance.registry.sweep();
    }
    await waitFor('every server to close', () => instance.servers.every((s) => !s.isConnected()));
    expect(instance.servers).toHaveLength(100);
    expect(instance.registry.stats).toMatchObject({
      active: 0,
      live: 0,
      created: 100,
      evicted: 100,
    });
    expect(store.size).toBe(0);
    expect(eventStores.size).toBe(0);
  });
});

describe('absolute lifetime', () => {
  it('ends a session at its lifetime even while it is in use', async () => {
    const instance = await start({ idleTimeoutMs: 60_000, maxLifetimeMs: 5_000 });
    const { client } = await connectClient(instance.url);
    clock.now += 4_000;
    await client.listTools();
    clock.now += 1_000;
    instance.registry.sweep();
    await waitFor('the server to close', () => instance.servers[0]?.isConnected() === false);
    expect(instance.registry.stats).toMatchObject({ active: 0, expired: 1 });
    await expect(client.listTools()).rejects.toThrow(/404|Session not found/);
    await client.close();
  });
});

// The table's own limit: anonymous callers, one tenant, with a share above the table's size.
describe('SESSION_MAX', () => {
  it('refuses initialize with 503, Retry-After and a JSON-RPC body when full', async () => {
    const instance = await start({
      idleTimeoutMs: 60_000,
      maxSessions: 2,
      maxSessionsPerPrincipal: 10,
    });
    const first = await initializeRaw(instance.url);
    clock.now += 20_000;
    await initializeRaw(instance.url);

    const refused = await post(instance.url, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {},
    });
    expect(refused.status).toBe(503);
    // The first session is idle for 40 more seconds at most.
    expect(refused.headers.get('retry-after')).toBe('40');
    expect(await refused.json()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: {
        code: -31503,
        message: 'Too many sessions on this server: retry after 40s',
        data: { retryAfterSeconds: 40 },
      },
    });
    expect(instance.registry.stats).toMatchObject({ active: 2, refused: 1 });

    await fetch(instance.url, { method: 'DELETE', headers: { 'mcp-session-id': first } });
    await initializeRaw(instance.url);
    expect(instance.registry.stats).toMatchObject({ active: 2, created: 3 });
  });

  it('tells a refused client how soon a slot can free up: seconds, not the idle timeout', async () => {
    const instance = await start({
      idleTimeoutMs: 1_800_000,
      dormantAfterMs: 60_000,
      maxSessions: 2,
      maxSessionsPerPrincipal: 10,
    });
    await initializeRaw(instance.url);
    clock.now += 10_000;
    await initializeRaw(instance.url);
    clock.now += 10_000;

    const refused = await post(instance.url, initializeRequest);
    expect(refused.status).toBe(503);
    // The first session can be reclaimed once it has been idle for the dormancy time, 40 s
    // from now; its idle timeout is 29 minutes away.
    expect(refused.headers.get('retry-after')).toBe('40');
  });

  it('reclaims the least recently used dormant session for a new one when full', async () => {
    const instance = await start({
      idleTimeoutMs: 60_000,
      dormantAfterMs: 1_000,
      maxSessions: 2,
      maxSessionsPerPrincipal: 10,
    });
    const older = await initializeRaw(instance.url);
    clock.now += 500;
    const newer = await initializeRaw(instance.url);
    clock.now += 600; // older: idle 1.1 s, dormant; newer: 0.6 s, not yet

    await initializeRaw(instance.url);
    expect(instance.registry.stats).toMatchObject({
      active: 2,
      created: 3,
      evicted: 1,
      refused: 0,
    });
    expect((await ping(instance.url, older)).status).toBe(404);
    expect((await ping(instance.url, newer)).status).toBe(200);
    await waitFor('its server to close', () => instance.servers[0]?.isConnected() === false);
  });

  it('never reclaims a session in use, however long it has been open', async () => {
    const instance = await start({ idleTimeoutMs: 60_000, dormantAfterMs: 5_000, maxSessions: 1 });
    const { client } = await connectClient(instance.url, 'alice');
    await waitFor('the GET stream', () => instance.registry.stats.inUse === 1);
    clock.now += 10_000;
    const refused = await post(instance.url, initializeRequest, { [PRINCIPAL_HEADER]: 'bob' });
    expect(refused.status).toBe(503);
    // If its stream closed now, it could be reclaimed a dormancy time later.
    expect(refused.headers.get('retry-after')).toBe('5');
    expect((await client.listTools()).tools).toHaveLength(fixtureToolNames.length);
    await client.close();
  });

  it('makes room by sweeping expired sessions before refusing', async () => {
    const instance = await start({
      idleTimeoutMs: 1_000,
      maxSessions: 1,
      maxSessionsPerPrincipal: 10,
    });
    await initializeRaw(instance.url);
    clock.now += 1_000;
    await initializeRaw(instance.url);
    expect(instance.registry.stats).toMatchObject({ active: 1, evicted: 1, refused: 0 });
  });
});

describe('SESSION_MAX_PER_PRINCIPAL', () => {
  const as = (principal: string) => ({ [PRINCIPAL_HEADER]: principal });

  it('gives a principal its share of the table: beyond it 429, while others still get sessions', async () => {
    const instance = await start({
      idleTimeoutMs: 60_000,
      dormantAfterMs: 10_000,
      maxSessions: 8,
      maxSessionsPerPrincipal: 2,
    });
    await initializeRaw(instance.url, as('alice'));
    clock.now += 4_000;
    await initializeRaw(instance.url, as('alice'));

    const refused = await post(instance.url, initializeRequest, as('alice'));
    expect(refused.status).toBe(429);
    // Alice's first session can be reclaimed (for her) in 6 s.
    expect(refused.headers.get('retry-after')).toBe('6');
    expect(await refused.json()).toMatchObject({
      id: 1,
      error: { code: -31429, data: { retryAfterSeconds: 6, limit: 2 } },
    });
    await initializeRaw(instance.url, as('bob'));
    expect(instance.registry.stats).toMatchObject({ active: 3, refused: 1 });
  });

  it("makes room in a principal's share from its own dormant sessions, never another's", async () => {
    const instance = await start({
      idleTimeoutMs: 60_000,
      dormantAfterMs: 1_000,
      maxSessions: 8,
      maxSessionsPerPrincipal: 1,
    });
    const bob = await initializeRaw(instance.url, as('bob'));
    const stale = await initializeRaw(instance.url, as('alice'));
    clock.now += 1_000;
    // Alice's client came back without ending its first session: that one gives way.
    const fresh = await initializeRaw(instance.url, as('alice'));
    const pingAs = (id: string, principal: string) =>
      post(
        instance.url,
        { jsonrpc: '2.0', id: 9, method: 'ping' },
        {
          'mcp-session-id': id,
          ...as(principal),
        },
      );
    expect((await pingAs(stale, 'alice')).status).toBe(404);
    expect((await pingAs(fresh, 'alice')).status).toBe(200);
    expect((await pingAs(bob, 'bob')).status).toBe(200);
    expect(instance.registry.stats).toMatchObject({ active: 2, evicted: 1 });
  });

  it('counts anonymous callers by their address', async () => {
    const instance = await start({ maxSessions: 8, maxSessionsPerPrincipal: 1 });
    await initializeRaw(instance.url);
    expect((await post(instance.url, initializeRequest)).status).toBe(429);
    // A principal is counted on its own, from the same address.
    await initializeRaw(instance.url, as('alice'));
  });

  it('is a tenth of SESSION_MAX unless set', async () => {
    const instance = await start({ maxSessions: 20 });
    await initializeRaw(instance.url, as('alice'));
    await initializeRaw(instance.url, as('alice'));
    expect((await post(instance.url, initializeRequest, as('alice'))).status).toBe(429);
  });
});

describe('closeAll', () => {
  it('closes every session, keeps no server connected, and refuses new requests with 503', async () => {
    const instance = await start({});
    const ids = [await initializeRaw(instance.url), await initializeRaw(instance.url)];
    const { client } = await connectClient(instance.url);
    await instance.registry.closeAll({ graceMs: 1_000 });
    expect(instance.servers.map((server) => server.isConnected())).toEqual([false, false, false]);
    expect(instance.registry.stats).toMatchObject({ active: 0, live: 0, closed: 3 });
    const refused = await ping(instance.url, ids[0] ?? '');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    await client.close();
  });

  it('with `until`, lets a call in flight run until it aborts, then closes its session', async () => {
    const instance = await start({ factory: holdingServer });
    const { client } = await connectClient(instance.url);
    const until = new AbortController();
    let closing: Promise<void> | undefined;
    let connectedWhileWaiting: boolean | undefined;
    const call = client
      .callTool(
        { name: 'hold', arguments: {} },
        {
          onprogress: async (progress) => {
            if (progress.progress !== 1) return;
            closing = instance.registry.closeAll({ until: until.signal });
            await new Promise((resolve) => setTimeout(resolve, 50));
            connectedWhileWaiting = instance.servers[0]?.isConnected();
            until.abort();
          },
        },
      )
      .catch((error: unknown) => error);
    await waitFor('the deadline to pass', () => closing !== undefined && until.signal.aborted);
    await closing;
    expect(connectedWhileWaiting).toBe(true);
    expect(instance.servers.map((server) => server.isConnected())).toEqual([false]);
    // The stream ended without an answer (the pipeline writes one, see answerByDeadline in
    // @mcp-runway/http): the client waits until it is closed.
    await client.close();
    expect(await call).toBeInstanceOf(Error);
  });
});
