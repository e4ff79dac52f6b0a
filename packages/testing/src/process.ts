/**
 * @mcp-runway/testing/process: run a built server as its own process, as production does, and
 * wait until it says it is listening; then point the readiness checks (or an SDK client) at it.
 * Node-only, hence its own subpath.
 *
 * Child processes are run asynchronously and their stderr is always read: a child whose pipe
 * nobody reads blocks on its next log line, and a synchronous spawn with a timeout can hang on
 * a logger flushing at exit.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

export type LogLine = Record<string, unknown>;

export interface SpawnedServer {
  child: ChildProcessWithoutNullStreams;
  /** `http://127.0.0.1:<port>`, the port the server reported. */
  url: string;
  /** Every JSON line the server wrote to stderr so far. */
  logs(): LogLine[];
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

export interface SpawnOptions {
  /** Environment on top of this process's own (PORT=0 and METRICS_PORT=0 by default). */
  env?: Record<string, string>;
  /** The port from a log line, once the server is listening (default: pino's `listening` line). */
  ready?: (line: LogLine) => number | undefined;
  /** How long the server may take to listen (default 10 s). */
  timeoutMs?: number;
  /**
   * Serve the pipeline fixture server (`@mcp-runway/testing/fixture-server`) instead of the
   * app's own: name the package the app imports its server from (e.g.
   * `@mcp-runway/example-server`), and every import of it in the child resolves to the fixture.
   * Tests of the production pipeline then never depend on the tools a user replaces.
   */
  fixtureServerFor?: string;
}

const FIXTURE_HOOK = new URL('./fixture-server/register.js', import.meta.url);

/**
 * The node arguments and environment that make a child process serve the fixture server in
 * place of `specifier` (the package the app imports its server from), for callers that spawn
 * the process themselves: `spawn(node, [...fixture.args, entry], { env: { ...fixture.env } })`.
 */
export function fixtureServerFor(specifier: string): {
  args: string[];
  env: Record<string, string>;
} {
  return { args: ['--import', FIXTURE_HOOK.href], env: { MCP_RUNWAY_FIXTURE_FOR: specifier } };
}

const listening = (line: LogLine): number | undefined =>
  line.msg === 'listening' ? (line.address as { port?: number } | undefined)?.port : undefined;

function jsonLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** Starts `node <entry>` with JSON logs on stderr and resolves once it reports its port. */
export async function spawnServer(
  entry: string,
  options: SpawnOptions = {},
): Promise<SpawnedServer> {
  const fixture = options.fixtureServerFor ? fixtureServerFor(options.fixtureServerFor) : undefined;
  const child = spawn(process.execPath, [...(fixture?.args ?? []), entry], {
    env: {
      ...process.env,
      ...fixture?.env,
      PORT: '0',
      METRICS_PORT: '0',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      ...options.env,
    },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  // Never outlive the test run, even when a test fails before it stops the server.
  const stop = () => child.kill('SIGKILL');
  process.once('exit', stop);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      process.off('exit', stop);
      resolve(code);
    }),
  );
  const logs = () => jsonLines(stderr);
  const ready = options.ready ?? listening;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start:\n${stderr}`)),
      options.timeoutMs ?? 10_000,
    );
    child.stderr.on('data', () => {
      for (const line of logs()) {
        const found = ready(line);
        if (found) {
          clearTimeout(timer);
          resolve(found);
          return;
        }
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`server exited early:\n${stderr}`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}`, logs, exited };
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) and rejected, with its output so far, after this long (default 60 s). */
  timeoutMs?: number;
}

/** Runs a command to its end and collects its output. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `node <entry>` until it exits on its own (a refused configuration): its code and stderr. */
export async function runToExit(
  entry: string,
  env: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<{ code: number | null; stderr: string }> {
  const { code, stderr } = await runCommand(process.execPath, [entry], {
    env: { ...process.env, PORT: '0', METRICS_PORT: '0', ...env },
    timeoutMs,
  });
  return { code, stderr };
}
