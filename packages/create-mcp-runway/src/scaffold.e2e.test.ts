/**
 * The promise of the scaffolder, kept end to end: a generated project installs (offline, from
 * the store this workspace filled), then passes its own README test command: lint, typecheck,
 * build and every test, with real Redis, nginx, promtool, caddy and kubectl where it has them.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '@mcp-runway/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, listFiles, pnpm, runCli } from './test/cli.js';
import { followGuide } from './test/guide.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'create-mcp-runway-e2e-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const checkEnv = () => cleanEnv({ CI: 'true', TURBO_TELEMETRY_DISABLED: '1' });

/** The project's own README test command; its last line is the test summary. */
async function check(cwd: string): Promise<void> {
  const { command, args } = pnpm();
  const run = await runCommand(command, [...args, 'check'], {
    cwd,
    env: checkEnv(),
    timeoutMs: 840_000,
  });
  const summary = run.stdout.trim().split('\n').at(-1) ?? '';
  expect(run.code, `${run.stdout.slice(-8000)}\n${run.stderr.slice(-4000)}`).toBe(0);
  expect(summary).toMatch(/^tests: [1-9]\d* passed, 0 failed$/);
}

async function scaffoldInstallCheck(name: string, flags: string[]): Promise<string> {
  const created = await runCli([name, ...flags, '--no-install'], work);
  expect(created.code, created.stderr).toBe(0);
  const cwd = join(work, name);
  const { command, args } = pnpm();
  const env = checkEnv();
  const install = await runCommand(
    command,
    [...args, 'install', '--frozen-lockfile', '--offline'],
    {
      cwd,
      env,
      timeoutMs: 180_000,
    },
  );
  expect(install.code, `${install.stdout}\n${install.stderr}`).toBe(0);
  await check(cwd);
  return cwd;
}

describe('a generated project passes its own checks', () => {
  it('with the stdio app only; VS Code starts it as .vscode/mcp.json says', async () => {
    const cwd = await scaffoldInstallCheck('minimal', ['--apps', 'stdio', '--infra', 'none']);
    expect(readFileSync(join(cwd, 'pnpm-workspace.yaml'), 'utf8')).not.toContain('infra');
    // The entry, launched the way VS Code does (${workspaceFolder} is the project), answers
    // an initialize on stdout.
    const config = JSON.parse(readFileSync(join(cwd, '.vscode/mcp.json'), 'utf8'));
    const entry = config.servers.minimal as { command: string; args: string[] };
    // biome-ignore lint/suspicious/noTemplateCurlyInString: VS Code's variable, not a template
    const args = entry.args.map((arg) => arg.replace('${workspaceFolder}', cwd));
    const reply = await initializeOverStdio(entry.command, args, cwd);
    expect(reply).toMatchObject({ jsonrpc: '2.0', id: 1, result: { serverInfo: {} } });
  });

  it('with Hono HTTP, no auth, state in memory and Docker', async () => {
    const cwd = await scaffoldInstallCheck('one-instance', [
      '--apps',
      'hono-http',
      '--auth',
      'none',
      '--state',
      'memory',
      '--infra',
      'docker',
    ]);
    expect(existsSync(join(cwd, 'infra/docker/compose.single.yaml'))).toBe(true);
    expect(existsSync(join(cwd, 'infra/nginx'))).toBe(false);
  });

  it('with every app and the minimal example, then its tools replaced as the add-a-tool guide says; OAuth, Redis, Docker and Kubernetes', async () => {
    const cwd = await scaffoldInstallCheck('everything', [
      '--scope',
      'acme',
      '--example',
      'minimal',
      '--apps',
      'stdio,hono-http,express-sessions,lambda',
      '--auth',
      'oauth',
      '--state',
      'redis',
      '--infra',
      'docker,k8s',
    ]);
    // The project's own docs/guides/add-a-tool.md, followed to the letter: get_weather
    // replaces hello. No other edit: the apps, their tests and the infra tests never name the
    // example's tools.
    const steps = followGuide(cwd, readFileSync(join(cwd, 'docs/guides/add-a-tool.md'), 'utf8'));
    expect(steps.map((step) => step.kind)).toContain('shell');
    expect(existsSync(join(cwd, 'packages/example-server/src/tools/hello.ts'))).toBe(false);
    await check(cwd);
    // The README's start command serves, and the project's own readiness kit passes it.
    const server = await startServer(cwd);
    try {
      const report = await runCommand(
        process.execPath,
        ['packages/testing/dist/cli.js', server.url, '--origin', 'http://127.0.0.1:6274'],
        { cwd, env: cleanEnv() },
      );
      expect(report.code, `${report.stdout}\n${report.stderr}`).toBe(0);
      expect(report.stdout).toMatch(/^PASS +eras /m);
      expect(report.stdout).toMatch(/^PASS +malformed /m);
    } finally {
      // pnpm reports the signal as a failure; the app's own last log line says how it ended.
      expect(await server.stop()).toMatch(/"outcome":"idle","msg":"stopped"/);
    }
  });
});

describe('the published package', () => {
  it('scaffolds from its tarball, as npm create would run it', async () => {
    const packDir = join(work, 'pack');
    const packed = await runCommand('npm', ['pack', '--pack-destination', work], {
      cwd: new URL('..', import.meta.url).pathname,
      env: cleanEnv(),
    });
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const created = await runCommand(
      'npm',
      [
        'exec',
        '--yes',
        `--package=${join(work, tarball as string)}`,
        '--',
        'create-mcp-runway',
        'from-tarball',
        '--apps',
        'stdio',
        '--infra',
        'none',
        '--no-install',
        '--no-git',
      ],
      {
        cwd: work,
        env: cleanEnv({ CI: 'true', npm_config_cache: join(packDir, 'cache') }),
        timeoutMs: 180_000,
      },
    );
    expect(created.code, `${created.stdout}\n${created.stderr}`).toBe(0);
    expect(listFiles(join(work, 'from-tarball'))).toContain('apps/stdio/src/main.ts');
    expect(existsSync(join(work, 'from-tarball', '.gitignore'))).toBe(true);
  });
});

/** `pnpm start` from the README, on a port the OS picks; stopped with SIGTERM (a drain). */
async function startServer(cwd: string): Promise<{ url: string; stop(): Promise<string> }> {
  const { command, args } = pnpm();
  const child = spawn(command, [...args, 'start'], {
    cwd,
    detached: true,
    // The project's .env says AUTH_MODE=oauth with no issuer yet (start would refuse, as it
    // should): the environment wins over .env, so the kit checks the open server.
    env: cleanEnv({ PORT: '0', METRICS_PORT: '0', LOG_FORMAT: 'json', AUTH_MODE: 'none' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: string) => {
    output += chunk;
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // already gone
    }
  };
  const started = Date.now();
  for (;;) {
    const line = output.split('\n').find((text) => text.includes('"msg":"listening"'));
    const port = line ? (JSON.parse(line.slice(line.indexOf('{'))).address?.port as number) : 0;
    if (port) {
      return {
        url: `http://127.0.0.1:${port}/mcp`,
        async stop() {
          kill('SIGTERM');
          const timer = setTimeout(() => kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(timer);
          return output;
        },
      };
    }
    if (child.exitCode !== null || Date.now() - started > 120_000) {
      kill('SIGKILL');
      throw new Error(`pnpm start did not listen:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Launches a stdio server, sends it one initialize request, returns its answer. */
async function initializeOverStdio(command: string, args: string[], cwd: string): Promise<unknown> {
  const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer to initialize in 20 s')), 20_000);
      let buffer = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        for (const line of buffer.split('\n').slice(0, -1)) {
          const message = JSON.parse(line) as { id?: number };
          if (message.id === 1) {
            clearTimeout(timer);
            resolve(message);
          }
        }
        buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
      });
      child.on('error', reject);
      const initialize = {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'vscode-entry-check', version: '1.0.0' },
        },
      };
      child.stdin.write(`${JSON.stringify(initialize)}\n`);
    });
  } finally {
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
