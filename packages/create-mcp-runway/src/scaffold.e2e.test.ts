/**
 * The promise of the scaffolder, kept end to end: a generated project installs (offline, from
 * the store this workspace filled), then passes its own README test command: lint, typecheck,
 * build and every test, with real Redis, nginx, promtool, caddy and kubectl where it has them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, pnpm, runCli, runCommand } from './test/cli.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'create-mcp-runway-e2e-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function scaffoldInstallCheck(name: string, flags: string[]): Promise<string> {
  const created = await runCli([name, ...flags, '--no-install'], work);
  expect(created.code, created.stderr).toBe(0);
  const cwd = join(work, name);
  const { command, args } = pnpm();
  const env = cleanEnv({ CI: 'true', TURBO_TELEMETRY_DISABLED: '1' });
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
  const check = await runCommand(command, [...args, 'check'], { cwd, env, timeoutMs: 840_000 });
  const summary = check.stdout.trim().split('\n').at(-1) ?? '';
  expect(check.code, `${check.stdout.slice(-8000)}\n${check.stderr.slice(-4000)}`).toBe(0);
  expect(summary).toMatch(/^tests: [1-9]\d* passed, 0 failed$/);
  return cwd;
}

describe('a generated project passes its own checks', () => {
  it('with the stdio app only', async () => {
    const cwd = await scaffoldInstallCheck('minimal', ['--apps', 'stdio', '--infra', 'none']);
    expect(readFileSync(join(cwd, 'pnpm-workspace.yaml'), 'utf8')).not.toContain('infra');
  });

  it('with every app, OAuth, Redis, Docker and Kubernetes', async () => {
    await scaffoldInstallCheck('everything', [
      '--scope',
      'acme',
      '--apps',
      'stdio,hono-http,express-sessions,lambda',
      '--auth',
      'oauth',
      '--state',
      'redis',
      '--infra',
      'docker,k8s',
    ]);
  });
});
