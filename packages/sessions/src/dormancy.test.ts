/**
 * Dormant sessions: an idle session gives back its McpServer and transport (most of its
 * memory) and keeps only its record; its next request rebuilds them by replaying the stored
 * initialize, invisibly to the client.
 */
import { McpServer } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryEventStores } from './events/memory.js';
import { connectClient } from './test/client.js';
import { type Instance, startInstance } from './test/instance.js';
import { initializeRaw, initializeRequest, messagesOf, post } from './test/raw.js';
import { waitFor } from './test/redis.js';

const clock = { now: 1_000_000 };
let instance: Instance;

let events: MemoryEventStores;

async function start(factory?: () => McpServer): Promise<Instance> {
  clock.now = 1_000_000;
  events = new MemoryEventStores({ now: () => clock.now });
  instance = await startInstance({
    eventStores: events,
    now: () => clock.now,
    sweepIntervalMs: 3_600_000,
    idleTimeoutMs: 600_000,
    dormantAfterMs: 1_000,
    ...(factory && { factory }),
  });
  return instance;
}

/** A server that logs at info level on every call of its one tool. */
function chattyServer(): McpServer {
  const server = new McpServer({ name: 'chatty', version: '1' }, { capabilities: { logging: {} } });
  server.registerTool('speak', { description: 'Logs, then answers' }, async (ctx) => {
    await ctx.mcpReq.log('info', 'speaking');
    return { content: [{ type: 'text', text: 'said' }] };
  });
  return server;
}

afterEach(() => instance.close());

async function sleepDormant(): Promise<void> {
  clock.now += 1_000;
  instance.registry.sweep();
  await waitFor('the session to go dormant', () => instance.registry.stats.live === 0);
}

describe('dormant sessions', () => {
  it('closes the server of an idle session and rebuilds it on the next request', async () => {
    await start();
    const id = await initializeRaw(instance.url);
    expect(events.size).toBeGreaterThan(0);
    await sleepDormant();
    expect(instance.servers[0]?.isConnected()).toBe(false);
    expect(instance.registry.stats).toMatchObject({ active: 1, live: 0, dormant: 1 });
    // Nothing is in flight and no stream is open: its events could serve no reconnect.
    expect(events.size).toBe(0);

    const call = await post(
      instance.url,
      {
        jsonrpc: '2.0',
        id: 5,
        method: 'tools/call',
        params: { name: 'echo', arguments: { text: 'awake' } },
      },
      { 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' },
    );
    expect(call.status).toBe(200);
    expect(call.headers.get('mcp-session-id')).toBe(id);
    const [result] = await messagesOf(call);
    expect(result).toMatchObject({ id: 5, result: { structuredContent: { text: 'awake' } } });

    expect(instance.registry.stats).toMatchObject({ created: 1, woken: 1, live: 1 });
    // The rebuilt server knows the client as the first initialize described it.
    const rebuilt = instance.servers[1]?.server;
    expect(rebuilt?.getClientVersion()).toEqual(initializeRequest.params.clientInfo);
    expect(rebuilt?.getClientCapabilities()).toEqual(initializeRequest.params.capabilities);
  });

  it('keeps the SDK client working across dormancy, without a second initialize', async () => {
    await start();
    const { client, requests } = await connectClient(instance.url, undefined, {
      withoutGetStream: true,
    });
    await client.listTools();
    await sleepDormant();
    const result = await client.callTool({ name: 'echo', arguments: { text: 'still here' } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ text: 'still here' });
    expect(instance.registry.stats).toMatchObject({ created: 1, dormant: 1, woken: 1 });
    expect(requests.filter((request) => request === 'POST initialize')).toHaveLength(1);
    await client.close();
  });

  it('never goes dormant while the client holds its GET stream open', async () => {
    await start();
    const { client } = await connectClient(instance.url);
    await waitFor('the GET stream', () => instance.registry.stats.inUse === 1);
    clock.now += 5_000;
    instance.registry.sweep();
    expect(instance.registry.stats).toMatchObject({ live: 1, dormant: 0 });
    await client.close();
  });

  it('replays the log level the client set, so a rebuilt session filters logs the same', async () => {
    await start(chattyServer);
    const id = await initializeRaw(instance.url);
    const headers = { 'mcp-session-id': id };
    const speak = async () => {
      const call = {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'speak', arguments: {} },
      };
      const messages = await messagesOf(await post(instance.url, call, headers));
      return messages.filter((message) => message.method === 'notifications/message').length;
    };
    expect(await speak()).toBe(1);
    const setLevel = {
      jsonrpc: '2.0',
      id: 3,
      method: 'logging/setLevel',
      params: { level: 'error' },
    };
    await (await post(instance.url, setLevel, headers)).text();
    expect(await speak()).toBe(0);

    await sleepDormant();
    expect(await speak()).toBe(0);
    expect(instance.registry.stats).toMatchObject({ woken: 1, created: 1 });
  });

  it('does not go dormant while a tool is still running after its client left', async () => {
    await start();
    const id = await initializeRaw(instance.url);
    const running = await post(
      instance.url,
      {
        jsonrpc: '2.0',
        id: 6,
        method: 'tools/call',
        params: { name: 'slow', arguments: { steps: 2, stepMs: 150 } },
      },
      { 'mcp-session-id': id },
    );
    // The client goes away before the tool is done (2 steps, 150 ms each)...
    await running.body?.cancel();
    await waitFor('the exchange to close', () => instance.registry.stats.inUse === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // ...but the server is still running it: the session stays live.
    clock.now += 5_000;
    instance.registry.sweep();
    expect(instance.registry.stats.live).toBe(1);
    await waitFor('the tool to finish and the session to go dormant', () => {
      clock.now += 1_000;
      instance.registry.sweep();
      return instance.registry.stats.live === 0;
    });
  });
});
