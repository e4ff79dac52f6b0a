import type { ServerEvent } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { createEventBus, RedisEventBus } from './bus.js';
import { closeRedis } from './client.js';
import { connectRedis, startRedisServer, uniquePrefix, waitFor } from './testing/index.js';

/** Two processes' worth: each bus has its own connection, as each instance would. */
async function twoBuses(url?: string, circuit = {}) {
  const channel = `${uniquePrefix('bus')}:bus`;
  const [one, two] = await Promise.all([connectRedis(url, circuit), connectRedis(url, circuit)]);
  const a = new RedisEventBus({ redis: one, channel });
  const b = new RedisEventBus({ redis: two, channel });
  await waitFor('both buses to subscribe', () => a.subscribed && b.subscribed);
  const seenByA: ServerEvent[] = [];
  const seenByB: ServerEvent[] = [];
  a.subscribe((event) => seenByA.push(event));
  b.subscribe((event) => seenByB.push(event));
  return {
    a,
    b,
    one,
    two,
    channel,
    seenByA,
    seenByB,
    async close() {
      await Promise.all([a.close(), b.close()]);
      await Promise.all([closeRedis(one), closeRedis(two)]);
    },
  };
}

const updated = (uri: string): ServerEvent => ({ kind: 'resource_updated', uri });

describe('RedisEventBus', () => {
  it('delivers an event once to the listeners of every instance, its own at once', async () => {
    const t = await twoBuses();
    try {
      t.a.publish(updated('test://resources/1'));
      // Local delivery does not wait for Redis.
      expect(t.seenByA).toEqual([updated('test://resources/1')]);
      await waitFor('the event at the other instance', () => t.seenByB.length > 0);
      // The echo came back to A and was ignored: exactly once there too.
      await waitFor('the echo at A', () => t.a.stats.ignored === 1);
      t.b.publish({ kind: 'tools_list_changed' });
      await waitFor('the event at A', () => t.seenByA.length === 2);
      await waitFor('the echo at B', () => t.b.stats.ignored === 1);
      expect(t.seenByA).toEqual([updated('test://resources/1'), { kind: 'tools_list_changed' }]);
      expect(t.seenByB).toEqual([updated('test://resources/1'), { kind: 'tools_list_changed' }]);
      expect(t.a.stats).toEqual({
        published: 1,
        publishFailures: 0,
        overflow: 0,
        received: 1,
        ignored: 1,
      });
    } finally {
      await t.close();
    }
  });

  it('ignores whatever on its channel is not one of its events', async () => {
    const t = await twoBuses();
    try {
      const junk = [
        'not json',
        '{"origin":"x"}',
        JSON.stringify({ origin: 'x', event: { kind: 'shutdown_everything' } }),
        JSON.stringify({ origin: 'x', event: { kind: 'resource_updated' } }),
      ];
      for (const message of junk) await t.one.publish(t.channel, message);
      t.b.publish({ kind: 'resources_list_changed' });
      await waitFor('the valid event at A', () => t.seenByA.length > 0);
      expect(t.seenByA).toEqual([{ kind: 'resources_list_changed' }]);
      expect(t.a.stats.ignored).toBe(junk.length);
    } finally {
      await t.close();
    }
  });

  it('keeps delivering to the other listeners when one throws, and unsubscribes', async () => {
    const t = await twoBuses();
    const errors: unknown[] = [];
    const bus = new RedisEventBus({
      redis: t.one,
      channel: t.channel,
      onListenerError: (error) => errors.push(error),
    });
    try {
      const seen: ServerEvent[] = [];
      bus.subscribe(() => {
        throw new Error('a broken listener');
      });
      const stop = bus.subscribe((event) => seen.push(event));
      bus.publish({ kind: 'prompts_list_changed' });
      expect(seen).toHaveLength(1);
      expect(errors).toHaveLength(1);
      stop();
      stop();
      bus.publish({ kind: 'prompts_list_changed' });
      expect(seen).toHaveLength(1);
    } finally {
      await bus.close();
      await t.close();
    }
  });

  it('keeps a burst beyond maxInFlight on this instance instead of queueing it behind Redis', async () => {
    const t = await twoBuses();
    const bus = new RedisEventBus({ redis: t.one, channel: t.channel, maxInFlight: 1 });
    try {
      const seen: ServerEvent[] = [];
      bus.subscribe((event) => seen.push(event));
      for (const uri of ['u:1', 'u:2', 'u:3']) bus.publish(updated(uri));
      expect(seen).toHaveLength(3);
      expect(bus.stats.overflow).toBe(2);
      await waitFor('the one sent to arrive', () => t.seenByB.length === 1);
      expect(t.seenByB).toEqual([updated('u:1')]);
      // Once the first is answered, the next goes to Redis again.
      await waitFor('the publish to be answered', () => bus.stats.published === 1);
      bus.publish(updated('u:4'));
      await waitFor('the next to arrive', () => t.seenByB.length === 2);
      expect(t.seenByB[1]).toEqual(updated('u:4'));
    } finally {
      await bus.close();
      await t.close();
    }
  });

  it('delivers locally without errors while Redis is down, and across instances again after', async () => {
    const server = await startRedisServer();
    const errors: unknown[] = [];
    const t = await twoBuses(server.url, { probeIntervalMs: 100 });
    const a = new RedisEventBus({
      redis: t.one,
      channel: `${t.channel}:outage`,
      onError: (error) => errors.push(error),
    });
    const b = new RedisEventBus({ redis: t.two, channel: `${t.channel}:outage` });
    const seenByA: ServerEvent[] = [];
    const seenByB: ServerEvent[] = [];
    a.subscribe((event) => seenByA.push(event));
    b.subscribe((event) => seenByB.push(event));
    try {
      await waitFor('both buses to subscribe', () => a.subscribed && b.subscribed);
      await server.kill();
      await waitFor('the circuit to open', () => !t.one.circuit.closed);
      expect(() => a.publish(updated('u:during'))).not.toThrow();
      expect(seenByA).toEqual([updated('u:during')]);
      await waitFor('the failed publish to be reported', () => a.stats.publishFailures === 1);
      expect(errors).toHaveLength(1);

      await server.restart();
      await waitFor(
        'reconnect and resubscribe',
        () => t.one.circuit.closed && t.two.circuit.closed && a.subscribed && b.subscribed,
        10_000,
      );
      a.publish(updated('u:after'));
      await waitFor('the event across instances', () => seenByB.length > 0);
      // Nothing published during the outage arrives late; what came after arrives once.
      await waitFor('the echo at A', () => a.stats.ignored === 1);
      expect(seenByB).toEqual([updated('u:after')]);
      expect(seenByA).toEqual([updated('u:during'), updated('u:after')]);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await t.close();
      await server.kill();
    }
  }, 30_000);
});

describe('createEventBus', () => {
  it('is the in-memory bus without a Redis connection', async () => {
    const bus = createEventBus({});
    expect(bus.kind).toBe('memory');
    const seen: ServerEvent[] = [];
    bus.subscribe((event) => seen.push(event));
    bus.publish(updated('u:1'));
    expect(seen).toEqual([updated('u:1')]);
    await bus.close();
  });

  it('is the Redis bus with one', async () => {
    const redis = await connectRedis();
    const bus = createEventBus({ redis, channel: `${uniquePrefix('bus')}:bus` });
    expect(bus.kind).toBe('redis');
    await bus.close();
    await closeRedis(redis);
  });
});
