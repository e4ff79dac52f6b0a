/**
 * Runs a documented shell block the way a reader's terminal would: bash with
 * `set -euo pipefail`, from the repository root, in its own process group so that whatever
 * it starts can be found and stopped. Output is always read (a child writing to a pipe
 * nobody drains would block), and a block never outlives its test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  /** Settles when bash exits; what it started may still run, and hold its pipes open. */
  exited: Promise<Pick<Outcome, 'code' | 'signal'>>;
  /** Settles when bash has exited and every holder of its stdout and stderr has too. */
  closed: Promise<void>;
  output(): Pick<Outcome, 'stdout' | 'stderr'>;
}

const OUTPUT_LIMIT = 256 * 1024;

/** Starts `code` under bash, in a process group of its own (led by bash: pgid = pid). */
export function startBlock(
  code: string,
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Running {
  const child = spawn('bash', ['--noprofile', '--norc', '-c', `set -euo pipefail\n${code}`], {
    cwd: options.cwd,
    env: options.env,
    detached: true, // its own process group: a server it starts is stopped with it
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  const keep = (key: 'stdout' | 'stderr') => (chunk: Buffer) => {
    out[key] = (out[key] + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', keep('stdout'));
  child.stderr?.on('data', keep('stderr'));
  const exited = new Promise<Pick<Outcome, 'code' | 'signal'>>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return { child, exited, closed, output: () => ({ ...out }) };
}

/** Processes of a group that still run (zombies waiting for a reaper do not count). Linux. */
export function groupMembers(pgid: number): string[] {
  const members: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its ")".
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
        members.push(`${entry} ${cmdline.trim()}`);
      }
    } catch {
      // the process ended while we looked
    }
  }
  return members;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Waits up to `ms` for the group to empty; SIGKILLs what is left and names it. */
export async function reapGroup(pgid: number, ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = groupMembers(pgid);
    if (left.length === 0) return [];
    if (Date.now() > deadline) {
      signalGroup(pgid, 'SIGKILL');
      return left;
    }
    await sleep(50);
  }
}

/** Runs a block to its end, killing its whole group if it takes longer than `timeoutMs`. */
export async function runBlock(
  code: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Outcome & { timedOut: boolean; strays: string[] }> {
  const running = startBlock(code, options);
  const pgid = running.child.pid as number;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    signalGroup(pgid, 'SIGKILL');
  }, options.timeoutMs);
  try {
    const status = await running.exited;
    clearTimeout(timer);
    // Anything the block left running (a forgotten `&`) is a bug in the page.
    const strays = await reapGroup(pgid, 2_000);
    await running.closed;
    return { ...status, ...running.output(), timedOut, strays };
  } finally {
    clearTimeout(timer);
  }
}

/** True when something accepts connections on host:port. */
export function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Polls `url` until it answers 2xx; fails early, with its output, if the server exits. */
export async function waitUntilReady(
  running: Running,
  url: string,
  timeoutMs: number,
): Promise<void> {
  let exited: string | undefined;
  running.exited.then(
    ({ code, signal }) => {
      exited = `exited (${code ?? signal})`;
    },
    (error: unknown) => {
      exited = `failed to start (${String(error)})`;
    },
  );
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  const { stderr } = running.output();
  throw new Error(
    `${exited ? `${exited} before answering` : `did not answer within ${timeoutMs} ms`} at ${url}\n` +
      `--- stderr (end) ---\n${stderr.slice(-4_000)}`,
  );
}

/**
 * Stops a background block as a reader does, with Ctrl-C: SIGINT to its process group. The
 * apps drain and exit 0 on SIGINT, and bash, waiting on them, then exits 0 too.
 */
export async function interrupt(
  running: Running,
  ms: number,
): Promise<Outcome & { strays: string[] }> {
  const pgid = running.child.pid as number;
  signalGroup(pgid, 'SIGINT');
  const timer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), ms);
  try {
    const status = await running.exited;
    const strays = await reapGroup(pgid, 2_000);
    await running.closed;
    return { ...status, ...running.output(), strays };
  } finally {
    clearTimeout(timer);
  }
}
