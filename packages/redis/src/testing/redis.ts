/**
 * Test helpers for real Redis: the shared server (REDIS_URL, default 127.0.0.1:6379), which
 * must be up (no skipping), and dedicated redis-server processes a test may kill.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { Redis } from 'ioredis';
import type { RedisCircuitOptions } from '../circuit.js';
import { createRedisClient, type GuardedRedis } from '../client.js';

export const SHARED_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Keys of one test run, so runs and other packages' tests never meet. */
export function uniquePrefix(namespace = 'test'): string {
  return `test:${namespace}:${randomUUID()}`;
}

/** Polls until `done()` holds; fails after `timeoutMs` so no test can spin forever. */
export async function waitFor(
  what: string,
  done: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A client with the request-path settings and its circuit breaker (as `connectRedis` of the
 * package makes it), connected; throws loudly when Redis is not there.
 */
export async function connectRedis(
  url = SHARED_REDIS_URL,
  circuit: RedisCircuitOptions = {},
): Promise<GuardedRedis> {
  const client = createRedisClient(url, {}, circuit);
  let lastError: unknown;
  client.on('error', (error) => {
    lastError = error;
  });
  try {
    await waitFor('Redis', () => client.status === 'ready', 3_000);
  } catch {
    client.disconnect();
    throw new Error(
      `Redis is unreachable at ${url} (${String(lastError)}). These tests need a real Redis: ` +
        'start redis-server, or set REDIS_URL.',
    );
  }
  return client;
}

/** Deletes every key under `prefix` (bounded: SCAN in batches). */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  /** SIGKILL: the process is gone, as in a crash. */
  kill(): Promise<void>;
  /** Starts a new redis-server on the same port (empty: nothing is saved). */
  restart(): Promise<void>;
  /** SIGSTOP: the process hangs, its connections stay open and nothing answers. */
  freeze(): void;
  /** SIGCONT: it answers again, starting with what it was sent while frozen. */
  thaw(): void;
}

async function startProcess(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Never outlive the test run, even when a test fails before its cleanup.
  const stop = () => child.kill('SIGKILL');
  process.once('exit', stop);
  child.once('exit', () => process.off('exit', stop));
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  await waitFor(
    `redis-server on port ${port}`,
    () => output.includes('Ready to accept connections') || child.exitCode !== null,
  );
  if (child.exitCode !== null) throw new Error(`redis-server exited: ${output}`);
  return child;
}

/** A redis-server of this test's own, on a free port, never the shared one. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child = await startProcess(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child.pid ?? 0;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      child = await startProcess(port);
    },
    freeze() {
      child.kill('SIGSTOP');
    },
    thaw() {
      child.kill('SIGCONT');
    },
  };
}
