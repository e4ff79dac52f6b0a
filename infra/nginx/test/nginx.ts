/**
 * A real nginx from the rendered template: its own prefix, pid, logs and temp files in a
 * temporary folder, in the foreground, on a free loopback port.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeNginxConf } from '../render.mjs';
import { type Child, findBinary, freePort, start, waitFor } from './processes.js';

/** One line of the access log (log_format mcp_json in the template). */
export interface AccessLine {
  request_id: string;
  method: string;
  uri: string;
  status: number;
  session: boolean;
  upstream: string;
  upstream_status: string;
  /** Per instance tried; `-` when the connection failed (the request was never sent there). */
  upstream_connect_time: string;
}

export interface Nginx {
  url: string;
  dir: string;
  confPath: string;
  child: Child;
  accessLog(): AccessLine[];
  errorLog(): string;
  /** SIGTERM (the master stops its workers), then the temporary folder goes. */
  stop(): Promise<void>;
}

export function nginxBinary(): string {
  return findBinary(
    'nginx',
    'Install it: apt-get install -y nginx (.ci/run does this when it is missing).',
  );
}

/** Renders the template for these upstreams into a fresh temporary folder. */
export async function renderForTest(
  upstreams: readonly string[],
  port?: number,
): Promise<{ dir: string; confPath: string; port: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-nginx-'));
  // Run as root, nginx's workers drop to `nobody`: they must reach the temp folders.
  chmodSync(dir, 0o755);
  port ??= await freePort();
  const confPath = writeNginxConf(dir, {
    listen: `127.0.0.1:${port}`,
    runtimeDir: dir,
    accessLog: join(dir, 'access.log'),
    errorLog: join(dir, 'error.log'),
    upstreams,
  });
  return { dir, confPath, port };
}

/** `nginx -t`: parses the configuration and checks it, without serving. */
export async function checkConf(dir: string, confPath: string): Promise<string> {
  const { stderr } = await promisify(execFile)(
    nginxBinary(),
    ['-t', '-p', dir, '-c', confPath, '-e', join(dir, 'error.log')],
    { timeout: 10_000 },
  );
  return stderr;
}

/** `port`: one chosen beforehand (the apps behind must know their public URL). @default a free one */
export async function startNginx(upstreams: readonly string[], port?: number): Promise<Nginx> {
  const binary = nginxBinary();
  const { dir, confPath, port: listening } = await renderForTest(upstreams, port);
  await checkConf(dir, confPath);
  const child = start(
    binary,
    ['-p', dir, '-c', confPath, '-e', join(dir, 'error.log')],
    {},
    'SIGTERM',
  );
  const url = `http://127.0.0.1:${listening}`;
  const errorLog = () => {
    const path = join(dir, 'error.log');
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  };
  await waitFor('nginx to answer /health', async () => {
    if (child.gone()) throw new Error(`nginx exited:\n${child.output()}\n${errorLog()}`);
    return fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    );
  });
  return {
    url,
    dir,
    confPath,
    child,
    accessLog: () =>
      readFileSync(join(dir, 'access.log'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AccessLine),
    errorLog,
    async stop() {
      await child.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
