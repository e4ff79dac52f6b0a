/**
 * What the tests share: the images ci.sh built, podman with ci.sh's storage and engine
 * settings, and bounded child processes.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** Every HTTP app, each built by ci.sh as localhost/mcp-runway-<app>:local. */
export const APPS = ['hono-http', 'express-sessions'] as const;
export type App = (typeof APPS)[number];
export const imageOf = (app: App) => `localhost/mcp-runway-${app}:local`;

/** ci.sh exports these; without them podman would look at the machine's own storage. */
function settings(): NodeJS.ProcessEnv {
  const missing = ['CONTAINERS_STORAGE_CONF', 'CONTAINERS_CONF', 'MCP_RUNWAY_BASE_IMAGE'].filter(
    (name) => !process.env[name],
  );
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} unset: run these tests through infra/containers/ci.sh, which builds the images first`,
    );
  }
  return process.env;
}
export const baseImage = () => settings().MCP_RUNWAY_BASE_IMAGE as string;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Async spawn with a hard bound. */
export function run(command: string, args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: settings(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')}: no exit within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export const podman = (args: string[], timeoutMs = 30_000) => run('podman', args, timeoutMs);

/** podman, which must succeed: its stdout. */
export async function podmanOk(args: string[], timeoutMs = 30_000): Promise<string> {
  const result = await podman(args, timeoutMs);
  if (result.code !== 0) {
    throw new Error(`podman ${args.join(' ')} exited ${result.code}\n${result.stderr}`);
  }
  return result.stdout;
}

export function freePort(): Promise<number> {
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
