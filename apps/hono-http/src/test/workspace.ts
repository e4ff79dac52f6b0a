/**
 * A clean copy of this workspace, as a fresh clone would have it (no node_modules, dist, .env
 * or reports), and the pnpm commands a developer types in it, run for real. Tests edit the
 * copy, never the workspace they run in.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace root: this app is `apps/hono-http` in it. */
export const workspaceRoot = fileURLToPath(new URL('../../../../', import.meta.url));

const skipped = new Set(['node_modules', 'dist', 'reports', '.turbo', '.git', 'coverage']);

/** Copies the workspace's own files into a new temporary folder. */
export function copyWorkspace(): string {
  const copy = mkdtempSync(join(tmpdir(), 'workspace-copy-'));
  cpSync(workspaceRoot, copy, {
    recursive: true,
    filter: (path) => {
      const name = basename(path);
      if (skipped.has(name) || /\.(tsbuildinfo|cpuprofile|log)$/.test(name)) return false;
      return !(name === '.env' || (name.startsWith('.env.') && name !== '.env.example'));
    },
  });
  return copy;
}

/**
 * How this test run reaches pnpm: the one running it, else one on PATH, else npx. (npx runs
 * pnpm through `sh -c`, which a terminal's Ctrl-C ends by signal: npx exits 130, silently.)
 */
export function pnpm(): { command: string; args: string[] } {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) return { command: process.execPath, args: [execPath] };
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'pnpm'))
    .find((file) => existsSync(file));
  if (onPath) return { command: onPath, args: [] };
  return { command: 'npx', args: ['--yes', 'pnpm@10.34.9'] };
}

/** The environment of a fresh shell: nothing from the package manager or test runner running us. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|TURBO_|VITEST|NODE_OPTIONS$|INIT_CWD$)/i.test(key)) continue;
    if (/^(PORT|METRICS_PORT|LOG_FORMAT|LOG_LEVEL|HOST|AUTH_MODE|REDIS_URL)$/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

export interface Terminal {
  readonly child: ChildProcess;
  /** Everything printed so far, stdout and stderr interleaved as they arrived. */
  output(): string;
  /** The port of the latest "listening" log line (a restart logs a new one), if any yet. */
  port(): number | undefined;
  /** What a terminal does on Ctrl-C: SIGINT to the whole foreground process group. */
  interrupt(): void;
  /** The exit code (null when a signal ended it). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `pnpm <args>` in `cwd` as a terminal runs it: its own process group, output collected. */
export function runInTerminal(cwd: string, args: readonly string[], env = cleanEnv()): Terminal {
  const { command, args: prefix } = pnpm();
  const child = spawn(command, [...prefix, ...args], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: string) => {
    output += chunk;
  };
  child.stdout?.setEncoding('utf8').on('data', collect);
  child.stderr?.setEncoding('utf8').on('data', collect);
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // the group is gone already
    }
  };
  // Never outlive the test run, even when a test fails before it stops the command.
  const kill = () => signalGroup('SIGKILL');
  process.once('exit', kill);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      process.off('exit', kill);
      resolve({ code, signal });
    }),
  );
  return {
    child,
    output: () => output,
    port() {
      const lines = output.split('\n').filter((line) => line.includes('"msg":"listening"'));
      const last = lines.at(-1);
      if (last === undefined) return undefined;
      return (JSON.parse(last.slice(last.indexOf('{'))) as { address: { port: number } }).address
        .port;
    },
    interrupt: () => signalGroup('SIGINT'),
    exited,
  };
}

/** Polls `check` until it returns a value (bounded), failing with the terminal's output. */
export async function eventually<T>(
  what: string,
  terminal: Terminal,
  check: () => Promise<T | undefined> | T | undefined,
  limitMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (terminal.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`${what}: not seen\n${terminal.output().slice(-6000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
