/**
 * Change notifications across instances: the SDK's `ServerEventBus` over Redis pub/sub. A tool
 * that changes something publishes one event (`resource_updated`, `tools_list_changed`...);
 * every instance's listeners (open `subscriptions/listen` streams, 2025 sessions) get it once.
 *
 * - One subscriber connection per bus (per process), on one channel (`<prefix>:bus`).
 * - Each event is delivered to this process's listeners at once, then published with this
 *   bus's origin id; the echo that comes back from Redis is ignored, so every listener gets
 *   every event exactly once, and a local listener never waits for Redis.
 * - Publishing goes through the client's circuit breaker: while Redis is down (or the circuit
 *   open) events reach this instance's listeners only, nothing throws, and delivery across
 *   instances resumes when Redis answers again (the subscriber resubscribes on every reconnect).
 * - What arrives is validated: anything that is not one of our events is ignored.
 */
import { randomUUID } from 'node:crypto';
import {
  InMemoryServerEventBus,
  type ServerEvent,
  type ServerEventBus,
} from '@modelcontextprotocol/server';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/** A bus the app closes at shutdown (the in-memory one has nothing to close). */
export interface ClosableEventBus extends ServerEventBus {
  /** `redis` when events cross instances; `memory` when they stay in this process. */
  readonly kind: 'memory' | 'redis';
  close(): Promise<void>;
}

export interface RedisEventBusOptions {
  /** The process's one connection: publishes go through it (and its circuit breaker). */
  redis: Redis;
  /** The pub/sub channel every instance of the app shares. @default `mcp-runway:bus` */
  channel?: string;
  /** A failed publish or subscribe (Redis down): for a throttled warning and a metric. */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * Publishes waiting for Redis's answer at once; beyond, an event reaches this instance's
   * listeners only (counted in `stats.overflow`). A burst of changes then cannot queue up behind
   * the connection, time out, and open the circuit every other user of the client relies on.
   * @default 256
   */
  maxInFlight?: number;
  /** A listener that threw (the others still get the event). */
  onListenerError?: ((error: unknown) => void) | undefined;
}

const serverEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('tools_list_changed') }),
  z.object({ kind: z.literal('prompts_list_changed') }),
  z.object({ kind: z.literal('resources_list_changed') }),
  z.object({ kind: z.literal('resource_updated'), uri: z.string().min(1).max(2_048) }),
]);

const envelope = z.object({ origin: z.string().min(1).max(64), event: serverEvent });

/** What a Redis bus has done since it was made. */
export interface EventBusStats {
  /** Events sent to Redis. */
  published: number;
  /** Events that reached this instance's listeners only (Redis down, circuit open). */
  publishFailures: number;
  /** Events kept on this instance because `maxInFlight` publishes were already waiting. */
  overflow: number;
  /** Events from other instances, delivered here. */
  received: number;
  /** Messages on the channel that were ignored: this bus's own echo, or not an event. */
  ignored: number;
}

export class RedisEventBus implements ClosableEventBus {
  readonly kind = 'redis' as const;
  /** This bus's id in every message it publishes: its own echo is recognized by it. */
  readonly origin: string = randomUUID(); // random, not a pid: in containers all are pid 1
  readonly channel: string;
  private readonly listeners = new Set<(event: ServerEvent) => void>();
  private readonly subscriber: Redis;
  private closed = false;
  private listening = false;
  private readonly counts: EventBusStats = {
    published: 0,
    publishFailures: 0,
    overflow: 0,
    received: 0,
    ignored: 0,
  };
  private inFlight = 0;
  private readonly maxInFlight: number;

  constructor(private readonly options: RedisEventBusOptions) {
    this.channel = options.channel ?? 'mcp-runway:bus';
    this.maxInFlight = options.maxInFlight ?? 256;
    // A subscribed connection can send nothing else, so it is a connection of its own, with the
    // same address and reconnect policy. It subscribes on every `ready` (the first connection
    // and each reconnect), so a Redis that was away at startup or restarted is picked up.
    this.subscriber = options.redis.duplicate({ autoResubscribe: false });
    this.subscriber.on('error', () => {}); // reported through failed publishes, not per retry
    this.subscriber.on('ready', () => {
      this.subscriber.subscribe(this.channel).then(
        () => {
          this.listening = this.subscriber.status === 'ready';
        },
        (error: unknown) => options.onError?.(error),
      );
    });
    this.subscriber.on('close', () => {
      this.listening = false;
    });
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.receive(message);
    });
  }

  get stats(): EventBusStats {
    return { ...this.counts };
  }

  /** Whether the subscriber connection is subscribed now (it is not while Redis is away). */
  get subscribed(): boolean {
    return this.listening;
  }

  publish(event: ServerEvent): void {
    this.deliver(event);
    if (this.closed) return;
    if (this.inFlight >= this.maxInFlight) {
      this.counts.overflow++;
      return;
    }
    this.inFlight++;
    const message = JSON.stringify({ origin: this.origin, event });
    this.options.redis
      .publish(this.channel, message)
      .then(
        () => {
          this.counts.published++;
        },
        (error: unknown) => {
          // Redis down or the circuit open: this instance's listeners already have it.
          this.counts.publishFailures++;
          this.options.onError?.(error);
        },
      )
      .finally(() => {
        this.inFlight--;
      });
  }

  subscribe(listener: (event: ServerEvent) => void): () => void {
    // A wrapper per subscription, so the same function subscribed twice is two listeners.
    const entry = (event: ServerEvent) => listener(event);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Stops receiving and closes the subscriber connection (the shared one stays the app's). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }

  private receive(message: string): void {
    let parsed: z.infer<typeof envelope> | undefined;
    try {
      const result = envelope.safeParse(JSON.parse(message));
      parsed = result.success ? result.data : undefined;
    } catch {} // not JSON
    if (parsed === undefined || parsed.origin === this.origin) {
      this.counts.ignored++;
      return;
    }
    this.counts.received++;
    this.deliver(parsed.event as ServerEvent);
  }

  private deliver(event: ServerEvent): void {
    if (this.closed) return;
    // A snapshot: a listener that unsubscribes (itself or another) mid-dispatch is safe.
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.options.onListenerError?.(error);
      }
    }
  }
}

export interface CreateEventBusOptions extends Omit<RedisEventBusOptions, 'redis'> {
  /** The process's one Redis connection; without it, events stay in this process. */
  redis?: Redis | undefined;
}

/**
 * The app's event bus: over Redis when the app has a connection (REDIS_URL), so a change on
 * one instance reaches clients on every instance; else the SDK's in-memory bus.
 */
export function createEventBus(options: CreateEventBusOptions): ClosableEventBus {
  const { redis, ...rest } = options;
  if (redis) return new RedisEventBus({ redis, ...rest });
  const memory = new InMemoryServerEventBus((error) => rest.onListenerError?.(error));
  return {
    kind: 'memory',
    publish: (event) => memory.publish(event),
    subscribe: (listener) => memory.subscribe(listener),
    close: async () => {},
  };
}
