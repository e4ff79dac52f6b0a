/**
 * Starts the Worker the way a developer does, `wrangler dev --local` on workerd from the npm
 * registry, offline: no Cloudflare account, no telemetry, configuration as `--var`s on top of
 * wrangler.jsonc. Ports are picked by the OS; local state goes to a temporary directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningWorker {
  url: URL;
  mcpUrl: URL;
  /** Everything wrangler and the Worker printed (the Worker's console.log lines included). */
  output(): string;
  close(): Promise<void>;
}

const APP_DIR = new URL('../..', import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** The environment wrangler runs in: nothing that reaches or identifies a Cloudflare account. */
export function offlineEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('CLOUDFLARE_') || name.startsWith('CF_')) delete env[name];
  }
  // No fetch of the `Request.cf` placeholder from workers.cloudflare.com, no telemetry.
  return {
    ...env,
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_SEND_METRICS: 'false',
    NO_COLOR: '1',
    CI: 'true',
  };
}

async function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => child.once('exit', resolve));
}

export interface StartOptions {
  /** Runs once the URL is known, before wrangler starts; returns more variables. */
  prepare?: (url: URL) => Promise<Record<string, string>>;
}

export async function startWorker(
  vars: Record<string, string>,
  { prepare }: StartOptions = {},
): Promise<RunningWorker> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const url = new URL(`http://127.0.0.1:${port}`);
  const prepared = prepare ? await prepare(url) : {};
  const state = mkdtempSync(join(tmpdir(), 'mcp-runway-worker-'));
  const args = ['dev', '--local', '--ip', '127.0.0.1', '--port', String(port)];
  args.push('--inspector-port', String(inspectorPort), '--persist-to', state);
  args.push('--show-interactive-dev-session=false', '--log-level', 'log');
  for (const [name, value] of Object.entries({
    ALLOWED_HOSTS: '127.0.0.1',
    ...vars,
    ...prepared,
  })) {
    args.push('--var', `${name}:${value}`);
  }
  const bin = join(APP_DIR, 'node_modules/wrangler/bin/wrangler.js');
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: APP_DIR,
    env: offlineEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const close = async () => {
    child.kill('SIGTERM');
    await exitOf(child);
    rmSync(state, { recursive: true, force: true });
  };
  // Ready when the Worker itself answers its liveness probe (the first request builds the app).
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const ok = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(5000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return { url, mcpUrl: new URL('/mcp', url), output: () => output, close };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await close();
  throw new Error(`wrangler dev did not serve /health within 60 s:\n${output.slice(-4000)}`);
}
