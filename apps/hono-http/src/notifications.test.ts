/**
 * Change notifications on the stateless lane, across two replicas sharing Redis (in-process):
 * a 2026-07-28 client's `subscriptions/listen` stream on one hears of a change made on the
 * other, once. The fixture server's `change_resource` publishes on the app's event bus.
 */
import { SHARED_REDIS_URL, uniquePrefix } from '@mcp-runway/redis/testing';
import { FIXTURE_WATCHED_URI } from '@mcp-runway/testing/fixture-server';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

/** Listened to as well, and changed after the watched one: once it arrives, so has the other. */
const FENCE = 'fixture://fence';

let one: RunningApp;
let two: RunningApp;
const clients: Client[] = [];

beforeAll(async () => {
  // Both replicas on one channel (`<prefix>:bus`), of this run only.
  const env = {
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_KEY_PREFIX: uniquePrefix('hono-bus').replaceAll(':', '.'),
  };
  one = await startApp(env);
  two = await startApp(env);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await one?.close();
  await two?.close();
});

async function connect(app: RunningApp): Promise<Client> {
  const client = new Client(
    { name: 'hono-notifications-test', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  await client.connect(new StreamableHTTPClientTransport(app.mcpUrl));
  clients.push(client);
  return client;
}

describe('a change on one replica', () => {
  it('reaches a listen stream on the other, exactly once', async () => {
    const listener = await connect(one);
    const updated: string[] = [];
    listener.setNotificationHandler('notifications/resources/updated', (notification) => {
      updated.push(notification.params.uri);
    });
    const subscription = await listener.listen({
      resourceSubscriptions: [FIXTURE_WATCHED_URI, FENCE],
    });
    expect(subscription.honoredFilter.resourceSubscriptions).toEqual([FIXTURE_WATCHED_URI, FENCE]);

    const writer = await connect(two);
    for (const uri of [FIXTURE_WATCHED_URI, FENCE]) {
      const result = await writer.callTool({ name: 'change_resource', arguments: { uri } });
      expect(result.isError).not.toBe(true);
    }
    await expect.poll(() => updated).toEqual([FIXTURE_WATCHED_URI, FENCE]);
    // A duplicate (an echo not ignored) would follow within milliseconds.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(updated).toEqual([FIXTURE_WATCHED_URI, FENCE]);
    await subscription.close();
  });
});
