/**
 * Child processes for the tests: found on the PATH (or in sbin, where Debian puts nginx),
 * on free loopback ports, their output kept, and never outliving the test run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** The absolute path of a program; throws (the test fails, never skips) when it is missing. */
export function findBinary(name: string, install: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {}
  }
  throw new Error(`${name} is not installed: these tests run a real ${name}. ${install}`);
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Polls until `done()` holds; fails after `timeoutMs` so no test can spin forever. */
export async function waitFor(
  what: string,
  done: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface Child {
  process: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Whether it has exited. */
  gone(): boolean;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Async spawn with piped output (never spawnSync: a timeout there hangs on piped stderr). */
export function start(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
  /** Sent if the test process exits first. nginx needs SIGTERM: its master stops the workers. */
  exitSignal: NodeJS.Signals = 'SIGKILL',
): Child {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  let exited = false;
  const exit = once(child, 'exit').then(() => {
    exited = true;
  });
  // An error event (e.g. ENOENT) is reported by the caller's wait; do not crash the worker.
  child.on('error', (error) => {
    output += `\n[spawn error] ${error.message}`;
    exited = true;
  });
  const kill = () => child.kill(exitSignal);
  process.once('exit', kill);
  void exit.then(() => process.off('exit', kill));
  return {
    process: child,
    output: () => output,
    gone: () => exited,
    async stop(signal = 'SIGKILL') {
      if (exited) return;
      child.kill(signal);
      await exit;
    },
  };
}
