/**
 * The circuit breaker on a redis-server of this file's own: frozen (SIGSTOP: connected, no
 * answers), thawed, killed and restarted. What reached Redis is read from Redis itself
 * (INFO commandstats), on a second connection, once it answers again.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisCircuit, RedisUnavailableError } from './circuit.js';
import type { GuardedRedis } from './client.js';
import {
  connectRedis,
  type RedisServer,
  startRedisServer,
  uniquePrefix,
  waitFor,
} from './testing/index.js';

let server: RedisServer;
let redis: GuardedRedis;
let observer: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = await connectRedis(server.url, { probeIntervalMs: 100 });
  observer = await connectRedis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  observer?.disconnect();
  await server?.kill();
});

/** How many times Redis ran `command` (INFO commandstats). */
async function calls(command: string): Promise<number> {
  const info = await observer.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}

const reasons = (results: PromiseSettledResult<unknown>[]) =>
  results.map((result) => (result.status === 'rejected' ? result.reason : result.value));

describe('the circuit of a client', () => {
  it('opens after consecutive timeouts of a frozen Redis, then refuses commands without sending them', async () => {
    const key = uniquePrefix('circuit');
    await redis.set(key, 'before');
    const gets = await calls('get');

    server.freeze();
    try {
      // Sent while closed: each waits out the command timeout; the fifth opens the circuit.
      const sent = await Promise.allSettled(Array.from({ length: 5 }, () => redis.get(key)));
      expect(reasons(sent)).toEqual(
        Array(5).fill(expect.objectContaining({ message: 'Command timed out' })),
      );
      expect(redis.circuit.state).not.toBe('closed');

      // Refused at once, never written: commands, and a transaction as a whole.
      const refused = await Promise.allSettled(Array.from({ length: 20 }, () => redis.get(key)));
      expect(reasons(refused).every((error) => error instanceof RedisUnavailableError)).toBe(true);
      await expect(redis.multi().set(key, 'during').get(key).exec()).rejects.toBeInstanceOf(
        RedisUnavailableError,
      );
      expect(redis.circuit.stats.rejected).toBeGreaterThanOrEqual(20);
    } finally {
      server.thaw();
    }

    await waitFor('the circuit to close', () => redis.circuit.state === 'closed');
    // Redis ran the 5 GETs it was sent while frozen, and nothing of what was refused.
    expect((await calls('get')) - gets).toBe(5);
    expect(await redis.get(key)).toBe('before');
  });

  it('probes a frozen Redis (half-open), stays open while it does not answer, and closes when it does', async () => {
    const before = redis.circuit.stats.transitions;
    server.freeze();
    try {
      await Promise.allSettled(Array.from({ length: 5 }, () => redis.ping()));
      await waitFor(
        'two failed probes',
        () => redis.circuit.stats.transitions['half-open'] >= before['half-open'] + 2,
      );
      expect(redis.circuit.state).not.toBe('closed');
      expect(redis.circuit.stats.transitions.open).toBeGreaterThanOrEqual(before.open + 2);
    } finally {
      server.thaw();
    }
    await waitFor('a probe to answer', () => redis.circuit.state === 'closed');
    expect(redis.circuit.stats.transitions.closed).toBe(before.closed + 1);
    expect(await redis.ping()).toBe('PONG');
  });

  it('treats reply errors as answers: a WRONGTYPE never opens it', async () => {
    const key = uniquePrefix('circuit');
    await redis.set(key, 'a string');
    for (let call = 0; call < 10; call++) {
      await expect(redis.hget(key, 'field')).rejects.toThrow(/WRONGTYPE/);
    }
    expect(redis.circuit.stats).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('opens as soon as the connection drops, and closes when it is back', async () => {
    await server.kill();
    await waitFor('the circuit to open', () => redis.circuit.state !== 'closed');
    await expect(redis.get('k')).rejects.toBeInstanceOf(RedisUnavailableError);
    await server.restart();
    await waitFor('the circuit to close', () => redis.circuit.state === 'closed', 10_000);
    expect(redis.status).toBe('ready');
    expect(await redis.ping()).toBe('PONG');
  }, 15_000);
});

describe('RedisCircuit', () => {
  const timeout = new Error('Command timed out');

  it('counts only consecutive failures within the window', () => {
    let now = 0;
    const circuit = new RedisCircuit(async () => {}, {
      failureThreshold: 3,
      failureWindowMs: 1_000,
      now: () => now,
    });
    circuit.failed(timeout);
    circuit.failed(timeout);
    circuit.succeeded();
    circuit.failed(timeout);
    circuit.failed(timeout);
    now += 1_001;
    // Two failures, then a third too late to join them: a new count starts.
    circuit.failed(timeout);
    expect(circuit.stats).toMatchObject({ state: 'closed', consecutiveFailures: 1 });
    circuit.failed(timeout);
    circuit.failed(timeout);
    expect(circuit.state).toBe('open');
    circuit.dispose();
  });

  it('reports a degraded readiness while not closed, never a failure', () => {
    const circuit = new RedisCircuit(async () => {}, { now: () => 0 });
    expect(circuit.readiness()).toEqual({
      degraded: false,
      circuit: 'closed',
      since: '1970-01-01T00:00:00.000Z',
    });
    circuit.connectionLost();
    expect(circuit.readiness()).toMatchObject({ degraded: true, circuit: 'open' });
    circuit.dispose();
  });
});
