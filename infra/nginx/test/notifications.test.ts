/**
 * Change notifications across replicas: three instances of the sessions app (A, B, C) behind
 * a real nginx, their event bus over a redis-server of the test's own. Clients subscribe to
 * the fixture server's `fixture://watched` through nginx:
 * - a 2025 client with a session (pinned by nginx to one instance: A) and its GET stream,
 *   after `resources/subscribe`;
 * - three 2026-07-28 clients with a `subscriptions/listen` stream each; nginx's round robin
 *   puts the three on the three instances (checked in nginx's log once they close).
 * The change (`change_resource`, which publishes `resource_updated`) is made through another
 * instance, C, called directly. Every subscriber must get it exactly once. Then Redis is
 * killed: a change still reaches the subscribers on the instance that made it, and the call
 * succeeds; Redis comes back (empty, same port) and delivery across instances resumes.
 */

import { FIXTURE_WATCHED_URI } from '@mcp-runway/testing/fixture-server';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AppInstance, startInstance } from './app.js';
import { connectThrough, type TappedClient } from './client.js';
import { type Nginx, startNginx } from './nginx.js';
import { waitFor } from './processes.js';
import { type RedisServer, startRedis } from './redis.js';

/** A second resource everyone subscribes to: changes to it fence and probe, never counted. */
const PROBE_URI = 'fixture://probe';

let redis: RedisServer;
let instances: AppInstance[] = [];
let nginx: Nginx;

interface Subscriber {
  name: string;
  tapped: TappedClient;
  /** The URIs of the notifications/resources/updated it received, in order. */
  updated: string[];
  close(): Promise<void>;
}
const subscribers: Subscriber[] = [];

beforeAll(async () => {
  redis = await startRedis();
  instances = await Promise.all(
    ['A', 'B', 'C'].map((name) => startInstance(name, { REDIS_URL: redis.url })),
  );
  nginx = await startNginx(instances.map((instance) => instance.address));
}, 60_000);

beforeEach(({ onTestFailed }) =>
  onTestFailed(() => {
    console.log(
      `nginx access log:\n${nginx
        .accessLog()
        .map((l) => JSON.stringify(l))
        .join('\n')}`,
    );
    for (const instance of instances)
      console.log(`${instance.name} (${instance.address}):\n${instance.child.output()}`);
  }),
);

afterAll(async () => {
  await Promise.all(subscribers.map((s) => s.close().catch(() => {})));
  await Promise.all(instances.map((instance) => instance.child.stop('SIGKILL')));
  await nginx?.stop();
  await redis?.child.stop('SIGKILL');
});

async function nginxLine(requestId: string) {
  let line: ReturnType<Nginx['accessLog']>[number] | undefined;
  await waitFor(`nginx to log ${requestId}`, () => {
    line = nginx.accessLog().find((entry) => entry.request_id === requestId);
    return line !== undefined;
  });
  return line as NonNullable<typeof line>;
}

const instanceAt = (address: string) =>
  instances.find((instance) => instance.address === address) as AppInstance;

function recordUpdates(tapped: TappedClient): string[] {
  const updated: string[] = [];
  tapped.client.setNotificationHandler('notifications/resources/updated', (notification) => {
    updated.push(notification.params.uri);
  });
  return updated;
}

/** A 2026-07-28 client of one instance, bypassing nginx: how the change is made "through C". */
async function directClient(instance: AppInstance): Promise<Client> {
  const client = new Client(
    { name: 'notifications-writer', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`http://${instance.address}/mcp`)),
  );
  return client;
}

/** Changes `uri` through `instance`; the call must succeed, whatever Redis is doing. */
async function change(instance: AppInstance, uri: string): Promise<void> {
  const client = await directClient(instance);
  try {
    const result = await client.callTool({ name: 'change_resource', arguments: { uri } });
    expect(result.isError).not.toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: `changed ${uri}` }]);
  } finally {
    await client.close();
  }
}

const count = (subscriber: Subscriber, uri: string) =>
  subscriber.updated.filter((received) => received === uri).length;

/**
 * Waits until each subscriber in `reached` has `times` notifications for the probe, then a
 * little more: a duplicate (an echo not ignored) would arrive within milliseconds.
 */
async function settle(reached: Subscriber[], times: number): Promise<void> {
  await waitFor(`the probe at ${reached.map((s) => s.name).join(', ')}`, () =>
    reached.every((s) => count(s, PROBE_URI) >= times),
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
}

describe('change notifications through nginx, across three instances', () => {
  let holder: AppInstance; // A: the instance holding the 2025 session
  let writer: AppInstance; // C: another one, through which changes are made
  let legacy: Subscriber;
  const modern: Subscriber[] = [];

  it('subscribes a 2025 session (pinned to A) and three listen streams (on A, B and C)', async () => {
    const tapped = await connectThrough(nginx.url, 'legacy');
    const updated = recordUpdates(tapped);
    legacy = { name: 'legacy', tapped, updated, close: () => tapped.client.close() };
    subscribers.push(legacy);
    for (const uri of [FIXTURE_WATCHED_URI, PROBE_URI])
      await tapped.client.subscribeResource({ uri });
    const subscribe = tapped.exchanges.findLast((e) => e.rpcMethod === 'resources/subscribe');
    holder = instanceAt((await nginxLine(subscribe?.requestId ?? '')).upstream);
    expect(holder).toBeDefined();
    // The client's GET stream is open: nginx hashes it to the session's instance.
    await waitFor('the GET stream', () => tapped.exchanges.some((e) => e.httpMethod === 'GET'));

    // Connected first (server/discover), then the three listens in a row: nginx's round robin
    // (no session id) gives each the next instance.
    const clients = await Promise.all(
      [1, 2, 3].map((n) => connectThrough(nginx.url, `modern${n}`, { modern: true })),
    );
    for (const [index, client] of clients.entries()) {
      const updates = recordUpdates(client);
      const subscription = await client.client.listen({
        resourceSubscriptions: [FIXTURE_WATCHED_URI, PROBE_URI],
      });
      expect(subscription.honoredFilter.resourceSubscriptions).toEqual([
        FIXTURE_WATCHED_URI,
        PROBE_URI,
      ]);
      const subscriber = {
        name: `modern${index + 1}`,
        tapped: client,
        updated: updates,
        close: async () => {
          await subscription.close();
          await client.client.close();
        },
      };
      modern.push(subscriber);
      subscribers.push(subscriber);
    }
    writer = instances.find((instance) => instance !== holder) as AppInstance;
    // Every instance's bus listens before anything is published.
    await change(writer, PROBE_URI);
    await settle(subscribers, 1);
  }, 20_000);

  it('delivers a change made through C to every subscriber, on every instance, exactly once', async () => {
    await change(writer, FIXTURE_WATCHED_URI);
    await change(writer, PROBE_URI);
    await settle(subscribers, 2);
    for (const subscriber of subscribers) {
      expect([subscriber.name, count(subscriber, FIXTURE_WATCHED_URI)]).toEqual([
        subscriber.name,
        1,
      ]);
    }
    // The 2025 notification came on the session's GET stream, served by A.
    const onGet = legacy.tapped.events.filter((event) =>
      event.data.includes('notifications/resources/updated'),
    );
    const getStream = legacy.tapped.exchanges.find((e) => e.httpMethod === 'GET');
    expect(onGet.every((event) => event.requestId === getStream?.requestId)).toBe(true);
    expect(holder).not.toBe(writer);
  }, 15_000);

  it('delivers on the changing instance only while Redis is down, without errors', async () => {
    await redis.child.stop('SIGKILL');
    // A change through A: the 2025 session there hears of it; the call succeeds.
    await change(holder, FIXTURE_WATCHED_URI);
    await waitFor('the local delivery at A', () => count(legacy, FIXTURE_WATCHED_URI) === 2);
    // A change through C reaches nobody on A.
    await change(writer, FIXTURE_WATCHED_URI);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(count(legacy, FIXTURE_WATCHED_URI)).toBe(2);
    // Of the three listen streams, the two on A and C got one change each; the one on B none.
    const during = modern.map((subscriber) => count(subscriber, FIXTURE_WATCHED_URI) - 1).sort();
    expect(during).toEqual([0, 1, 1]);
  }, 15_000);

  it('delivers across instances again once Redis is back', async () => {
    const port = Number(new URL(redis.url).port);
    redis = await startRedis(port);
    const before = subscribers.map((s) => count(s, FIXTURE_WATCHED_URI));
    const probes = subscribers.map((s) => count(s, PROBE_URI));
    // Each instance's subscriber reconnects and subscribes again (within its 2 s retry).
    await waitFor(
      'every instance to hear a probe through C',
      async () => {
        await change(writer, PROBE_URI);
        return subscribers.every((s, i) => count(s, PROBE_URI) > (probes[i] ?? 0));
      },
      15_000,
    );
    await change(writer, FIXTURE_WATCHED_URI);
    const fence = subscribers.map((s) => count(s, PROBE_URI));
    await change(writer, PROBE_URI);
    await waitFor('the fence', () =>
      subscribers.every((s, i) => count(s, PROBE_URI) > (fence[i] ?? 0)),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(subscribers.map((s, i) => count(s, FIXTURE_WATCHED_URI) - (before[i] ?? 0))).toEqual(
      subscribers.map(() => 1),
    );
  }, 30_000);

  it('had the three listen streams on three instances, one of them A', async () => {
    await Promise.all(modern.map((subscriber) => subscriber.close()));
    const upstreams = await Promise.all(
      modern.map(async (subscriber) => {
        const listen = subscriber.tapped.exchanges.find(
          (e) => e.rpcMethod === 'subscriptions/listen',
        );
        return (await nginxLine(listen?.requestId ?? '')).upstream;
      }),
    );
    expect(new Set(upstreams).size).toBe(3);
    expect(upstreams).toContain(holder.address);
    expect(upstreams).toContain(writer.address);
  }, 15_000);
});
