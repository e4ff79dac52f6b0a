/**
 * The example server's change notifications through this app, on two replicas sharing Redis
 * (A and C, in-process): a 2025 session and a 2026-07-28 listen stream on A subscribe to a
 * ticket; assigning that ticket through C notifies both, once each. (Each replica has its own
 * in-memory ticket board here; a real deployment shares one store.)
 */
import { serverModule, ticketUri } from '@mcp-runway/example-server';
import { checkSettings } from '@mcp-runway/example-server/testing';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_REDIS_URL } from './test/redis.js';
import { type RunningApp, startApp } from './test/start.js';

const WATCHED = ticketUri('T-1');
/** Subscribed too, and assigned after T-1: once it arrives, T-1's notifications all have. */
const FENCE = ticketUri('T-2');

let a: RunningApp;
let c: RunningApp;
const clients: Client[] = [];

beforeAll(async () => {
  const env = { ...checkSettings, REDIS_URL: SHARED_REDIS_URL };
  a = await startApp(env, { server: serverModule });
  c = await startApp(env, { server: serverModule, keyPrefix: a.keyPrefix });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await a?.close();
  await c?.close();
});

async function connect(app: RunningApp, modern: boolean) {
  const client = new Client(
    { name: 'express-notifications-test', version: '1.0.0' },
    modern ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  await client.connect(new StreamableHTTPClientTransport(app.mcpUrl));
  clients.push(client);
  const updated: string[] = [];
  client.setNotificationHandler('notifications/resources/updated', (notification) => {
    updated.push(notification.params.uri);
  });
  return { client, updated };
}

describe('assigning a ticket on one replica', () => {
  it('notifies its subscribers on another, in both eras, exactly once', async () => {
    const legacy = await connect(a, false);
    for (const uri of [WATCHED, FENCE]) await legacy.client.subscribeResource({ uri });
    // The session's GET stream is open (it counts as in use).
    await expect.poll(() => a.sessions.registry.stats.inUse).toBe(1);
    const modern = await connect(a, true);
    await modern.client.listen({ resourceSubscriptions: [WATCHED, FENCE] });

    const writer = await connect(c, true);
    for (const id of ['T-1', 'T-2']) {
      const result = await writer.client.callTool({
        name: 'assign_ticket',
        arguments: { id, assignee: 'kim' },
      });
      expect(result.isError).not.toBe(true);
    }
    await expect.poll(() => legacy.updated).toEqual([WATCHED, FENCE]);
    await expect.poll(() => modern.updated).toEqual([WATCHED, FENCE]);
    // A duplicate (an echo not ignored) would follow within milliseconds.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([legacy.updated, modern.updated]).toEqual([
      [WATCHED, FENCE],
      [WATCHED, FENCE],
    ]);
    expect(writer.updated).toEqual([]);
  });
});
