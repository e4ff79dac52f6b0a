/**
 * The container contract without a Docker engine: replay the Dockerfile's production stage on
 * this machine. The deploy command, the environment, the user, the read-only app directory, the
 * HEALTHCHECK and the CMD all come from infra/docker/Dockerfile itself, so the two cannot drift.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execForm, type Instruction, parseDockerfile, repoRoot } from './dockerfile.js';
import { run } from './run.js';

const APP = 'hono-http';
// biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile build-arg reference, not JavaScript.
const APP_ARG = '${APP}';
const instructions = parseDockerfile();
const inStage = (stage: string, keyword: string) =>
  instructions.filter((i) => i.stage === stage && i.keyword === keyword);
const one = (stage: string, keyword: string): Instruction => {
  const found = inStage(stage, keyword);
  expect(found, `${stage} ${keyword}`).toHaveLength(1);
  return found[0] as Instruction;
};

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

/** ENV a=b c=d (the form the Dockerfile uses) to a record. */
function envOf(args: string): Record<string, string> {
  return Object.fromEntries(
    args.split(/\s+/).map((pair) => {
      const [key, ...value] = pair.split('=');
      return [key as string, value.join('=')];
    }),
  );
}

/** Drop root the way USER does in the image: an unprivileged uid with no supplementary groups. */
function asUnprivileged(command: string[]): string[] {
  if (process.getuid?.() !== 0) return command;
  if (existsSync('/usr/bin/setpriv') || existsSync('/bin/setpriv')) {
    return ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--', ...command];
  }
  return ['runuser', '-u', 'nobody', '--', ...command];
}

describe('Dockerfile', () => {
  it('has a build stage and a non-root production stage with the expected instructions', () => {
    const froms = instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args);
    expect(froms).toEqual([
      expect.stringMatching(/^node:24\.\d+\.\d+-bookworm-slim AS build$/),
      expect.stringMatching(/^node:24\.\d+\.\d+-bookworm-slim AS runtime$/),
    ]);
    for (const from of froms) expect(from).not.toMatch(/:latest|^node:\d+-/);
    const buildRuns = inStage('build', 'RUN').map((i) => i.args);
    expect(buildRuns).toEqual(
      expect.arrayContaining([
        'npm i -g pnpm@10.34.9',
        // The dependency layer comes from the lockfile alone, then installs offline from it.
        'pnpm fetch',
        'pnpm install --frozen-lockfile --offline',
      ]),
    );
    expect(buildRuns.indexOf('pnpm fetch')).toBeLessThan(
      buildRuns.indexOf('pnpm install --frozen-lockfile --offline'),
    );
    expect(
      buildRuns.filter((r) =>
        r.endsWith(`pnpm turbo run build --filter=@mcp-runway/${APP_ARG}...`),
      ),
    ).toHaveLength(1);
    expect(buildRuns.filter((r) => r.includes(' deploy '))).toHaveLength(1);
    expect(one('runtime', 'USER').args).toBe('node');
    expect(one('runtime', 'WORKDIR').args).toBe('/app');
    // Owned by root (no --chown): the app's user can read its code, never modify or chmod it.
    expect(one('runtime', 'COPY').args).toBe('--from=build /out /app');
    expect(inStage('build', 'RUN').map((i) => i.args)).toContain('chmod -R a-w /out');
    expect(one('runtime', 'EXPOSE').args.split(/\s+/)).toEqual(['3000', '9464']);
    expect(one('runtime', 'STOPSIGNAL').args).toBe('SIGTERM');
    // The ports the image exposes, whatever an app's own default: 3000 (MCP) and 9464.
    expect(envOf(one('runtime', 'ENV').args)).toEqual({
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      PORT: '3000',
      METRICS_HOST: '0.0.0.0',
      METRICS_PORT: '9464',
    });
    // Exec form: node itself is PID 1 and receives SIGTERM, no shell in between.
    expect(execForm(one('runtime', 'CMD').args)).toEqual(['node', 'dist/main.js']);
    expect(execForm(one('runtime', 'HEALTHCHECK').args)[0]).toBe('node');
  });

  it('builds and runs on the Node that CI tests with (scripts/ensure-node.sh)', () => {
    const script = readFileSync(join(repoRoot, 'scripts/ensure-node.sh'), 'utf8');
    const pinned = /^MCP_RUNWAY_NODE_VERSION=(\d+\.\d+\.\d+)$/m.exec(script)?.[1];
    expect(pinned).toBeDefined();
    for (const { args } of instructions.filter((i) => i.keyword === 'FROM')) {
      expect(args.split(' ')[0]).toBe(`node:${pinned}-bookworm-slim`);
    }
  });
});

describe('the production stage, replayed outside a container', () => {
  let root = '';
  let app = '';
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'infra-deploy-'));
    app = join(root, 'app');
    const deploy = inStage('build', 'RUN')
      .map((i) => i.args)
      .find((r) => r.includes(' deploy '));
    expect(deploy).toBeDefined();
    const argv = (deploy as string)
      .replaceAll(APP_ARG, APP)
      .split(/\s+/)
      .map((part) => (part === '/out' ? app : part));
    expect(argv.slice(0, 1)).toEqual(['pnpm']);
    const result = await run(argv[0] as string, argv.slice(1), {
      cwd: repoRoot,
      env: { ...process.env, CI: 'true' },
      timeoutMs: 60_000,
    });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    // What `chmod -R a-w` + `COPY` (root-owned) give the image: readable, not writable by the app.
    await run('chmod', ['-R', 'a-w,a+rX', app], { timeoutMs: 10_000 });
    chmodSync(root, 0o555);
  }, 90_000);

  afterAll(async () => {
    if (!root) return;
    await run('chmod', ['-R', 'u+w', root], { timeoutMs: 10_000 });
    rmSync(root, { recursive: true, force: true });
  });

  it('starts unprivileged and read-only, passes the HEALTHCHECK, serves a tool, drains on SIGTERM', async () => {
    const port = await freePort();
    const imageEnv = envOf(one('runtime', 'ENV').args);
    const cmd = execForm(one('runtime', 'CMD').args);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      ...imageEnv,
      // Loopback only on a shared machine; the image binds 0.0.0.0.
      HOST: '127.0.0.1',
      METRICS_HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: '0',
      ALLOWED_HOSTS: 'localhost,127.0.0.1',
      ALLOW_UNAUTHENTICATED: 'true',
      LOG_FORMAT: 'json',
    };
    const [command, ...args] = asUnprivileged(
      cmd.map((p) => (p === 'node' ? process.execPath : p)),
    );
    const child: ChildProcessWithoutNullStreams = spawn(command as string, args, { cwd: app, env });
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const logs = () =>
      stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg?: string });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line:\n${stderr}`)), 15_000);
        child.stderr.on('data', () => {
          if (logs().some((l) => l.msg === 'listening')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', () => reject(new Error(`exited early:\n${stderr}`)));
      });

      // The exact HEALTHCHECK, in the container's environment: it probes the PORT it finds there.
      const health = execForm(one('runtime', 'HEALTHCHECK').args);
      expect(health.join(' ')).toContain('process.env.PORT');
      const probe = { env: { PATH: process.env.PATH, PORT: String(port) }, timeoutMs: 10_000 };
      const healthy = await run(process.execPath, health.slice(1), probe);
      expect(healthy.code, healthy.stderr).toBe(0);

      const client = new Client({ name: 'container-contract', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)),
      );
      // Whatever the server's tools are (a project may have replaced them), it serves them.
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(0);
      await client.close();

      child.kill('SIGTERM');
      const code = await Promise.race([
        exited,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`no exit after SIGTERM:\n${stderr}`)), 15_000),
        ),
      ]);
      expect(code, stderr).toBe(0);
      const messages = logs().map((l) => l.msg);
      expect(messages).toEqual(expect.arrayContaining(['draining', 'stopped']));
      expect(messages).not.toContain('drain deadline passed: closing open connections');

      // After exit the HEALTHCHECK fails, as Docker would see it.
      const dead = await run(process.execPath, health.slice(1), probe);
      expect(dead.code).toBe(1);
    } finally {
      kill();
      process.off('exit', kill);
    }
  }, 60_000);
});
