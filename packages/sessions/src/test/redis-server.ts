/** A redis-server process of a test's own, on a free port, that the test may kill. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { waitFor } from './redis.js';

export interface RedisServer {
  readonly url: string;
  /** SIGKILL: gone, as in a crash. */
  kill(): Promise<void>;
  /** A new, empty redis-server on the same port. */
  restart(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
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

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child = await startProcess(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      child = await startProcess(port);
    },
  };
}
