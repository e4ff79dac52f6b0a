import { FIXTURE_WATCHED_URI, fixtureServerModule } from '@mcp-runway/testing/fixture-server';
import { InMemoryServerEventBus } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionRegistryOptions } from './options.js';
import { connectClient, type TestClient } from './test/client.js';
import { type Instance, startInstance } from './test/instance.js';

const bus = new InMemoryServerEventBus();
let instance: Instance | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.client.close()));
  await instance?.close();
  instance = undefined;
});

async function setUp(options: Partial<SessionRegistryOptions> = {}) {
  instance = await startInstance({
    factory: fixtureServerModule.createServerFactory({ bus }),
    bus,
    ...options,
  });
  return instance;
}

async function connect(url: string, count: number): Promise<TestClient[]> {
  const connected = await Promise.all(Array.from({ length: count }, () => connectClient(url)));
  clients.push(...connected);
  // Every session's GET stream is open (it counts as an exchange in use).
  await expect.poll(() => instance?.registry.stats.inUse).toBe(count);
  return connected;
}

/** The notifications with this method a client received, on any of its streams. */
const received = (client: TestClient, method: string) =>
  client.events
    .map((event) => JSON.parse(event.data) as { method?: string; params?: { uri?: string } })
    .filter((message) => message.method === method);

describe('change notifications for 2025 sessions', () => {
  it('sends resources/updated on the GET stream of the sessions subscribed to that URI only, once', async () => {
    const { url, registry } = await setUp();
    const [subscriber, bystander] = (await connect(url, 2)) as [TestClient, TestClient];
    await subscriber.client.subscribeResource({ uri: FIXTURE_WATCHED_URI });
    expect(registry.notifications.size).toBe(1);

    // The change is made through the other session: its tool publishes on the bus.
    await bystander.client.callTool({ name: 'change_resource', arguments: {} });
    await expect
      .poll(() => received(subscriber, 'notifications/resources/updated'))
      .toEqual([
        {
          jsonrpc: '2.0',
          method: 'notifications/resources/updated',
          params: { uri: FIXTURE_WATCHED_URI },
        },
      ]);
    bus.publish({ kind: 'resource_updated', uri: 'fixture://another' });
    bus.publish({ kind: 'resources_list_changed' });
    await expect
      .poll(() => received(bystander, 'notifications/resources/list_changed'))
      .toHaveLength(1);
    await expect
      .poll(() => received(subscriber, 'notifications/resources/list_changed'))
      .toHaveLength(1);
    expect(received(subscriber, 'notifications/resources/updated')).toHaveLength(1);
    expect(received(bystander, 'notifications/resources/updated')).toEqual([]);
  });

  it('stops after resources/unsubscribe, and forgets a session that ends', async () => {
    const { url, registry } = await setUp();
    const [client] = (await connect(url, 1)) as [TestClient];
    await client.client.subscribeResource({ uri: FIXTURE_WATCHED_URI });
    await client.client.subscribeResource({ uri: 'fixture://another' });
    expect(registry.notifications.size).toBe(2);
    await client.client.unsubscribeResource({ uri: FIXTURE_WATCHED_URI });
    bus.publish({ kind: 'resource_updated', uri: FIXTURE_WATCHED_URI });
    bus.publish({ kind: 'resource_updated', uri: 'fixture://another' });
    await expect.poll(() => received(client, 'notifications/resources/updated')).toHaveLength(1);
    expect(received(client, 'notifications/resources/updated')[0]?.params?.uri).toBe(
      'fixture://another',
    );

    await client.transport.terminateSession();
    await expect.poll(() => registry.notifications.size).toBe(0);
  });

  it('refuses a subscription beyond the bound per session', async () => {
    const { url, registry } = await setUp({ maxSubscriptionsPerSession: 2 });
    const [client] = (await connect(url, 1)) as [TestClient];
    await client.client.subscribeResource({ uri: 'fixture://1' });
    await client.client.subscribeResource({ uri: 'fixture://2' });
    // The same URI again is no new subscription.
    await client.client.subscribeResource({ uri: 'fixture://2' });
    await expect(client.client.subscribeResource({ uri: 'fixture://3' })).rejects.toThrow(
      /Subscription limit reached/,
    );
    expect(registry.notifications.subscriptionsOf(client.transport.sessionId ?? '')).toEqual([
      'fixture://1',
      'fixture://2',
    ]);
  });

  it('keeps the subscriptions of a dormant session, and answers them on its rebuilt server', async () => {
    const clock = { now: 1_000_000 };
    const { url, registry } = await setUp({
      now: () => clock.now,
      dormantAfterMs: 1_000,
      sweepIntervalMs: 3_600_000,
    });
    // No GET stream: nothing keeps the session live.
    const client = await connectClient(url, undefined, { withoutGetStream: true });
    clients.push(client);
    await client.client.subscribeResource({ uri: FIXTURE_WATCHED_URI });
    clock.now += 1_000;
    registry.sweep();
    await expect.poll(() => registry.stats.live).toBe(0);
    // Nothing to send it on while dormant, and nothing fails.
    expect(() => bus.publish({ kind: 'resource_updated', uri: FIXTURE_WATCHED_URI })).not.toThrow();
    const id = client.transport.sessionId ?? '';
    expect(registry.notifications.subscriptionsOf(id)).toEqual([FIXTURE_WATCHED_URI]);
    // The next request rebuilds its server, which answers unsubscribe.
    await client.client.unsubscribeResource({ uri: FIXTURE_WATCHED_URI });
    expect(registry.stats.live).toBe(1);
    expect(registry.notifications.subscriptionsOf(id)).toEqual([]);
  });
});
