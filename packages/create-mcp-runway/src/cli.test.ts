import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '@mcp-runway/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, listFiles, runAtTerminal, runCli } from './test/cli.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'create-mcp-runway-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const topFolders = (files: string[]) =>
  [...new Set(files.map((f) => f.split('/').slice(0, 2).join('/')))]
    .filter((f) => f.includes('/'))
    .sort();

describe('create-mcp-runway (the built CLI)', () => {
  it('prints its options with --help', async () => {
    const result = await runCli(['--help'], work);
    expect(result.code).toBe(0);
    for (const flag of ['--apps', '--auth', '--state', '--infra', '--pm', '--yes', '--force']) {
      expect(result.stdout).toContain(flag);
    }
  });

  it('scaffolds a stdio-only project without asking when CI is set', async () => {
    const result = await runCli(
      ['stdio-only', '--apps', 'stdio', '--infra', 'none', '--no-install'],
      work,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const dir = join(work, 'stdio-only');
    const files = listFiles(dir);
    expect(topFolders(files)).toEqual([
      '.ci/run',
      '.vscode/mcp.json',
      'apps/stdio',
      'docs/guides',
      'packages/config',
      'packages/errors',
      'packages/example-server',
      'packages/logging',
      'scripts/ensure-node.sh',
      'scripts/new-package.sh',
      'scripts/test-summary.mjs',
    ]);
    for (const file of [
      '.gitignore',
      'README.md',
      'package.json',
      'pnpm-lock.yaml',
      'turbo.json',
    ]) {
      expect(files).toContain(file);
    }
    expect(existsSync(join(dir, '.git'))).toBe(true);
    // One commit holds every file: the user's history starts clean.
    const log = execFileSync('git', ['log', '--format=%s'], { cwd: dir, encoding: 'utf8' });
    expect(log.trim().split('\n')).toEqual(['Scaffolded with create-mcp-runway']);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' })).toBe('');
    expect(statSync(join(dir, '.ci/run')).mode & 0o111).not.toBe(0);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain(
      'npx --yes pnpm@10.34.9 install --frozen-lockfile && npx --yes pnpm@10.34.9 check',
    );
    expect(readme).not.toMatch(/hono|express|lambda|docker|kubernetes/i);
    // VS Code launches the stdio app by the project's name; the file survives formatting.
    const vscode = JSON.parse(readFileSync(join(dir, '.vscode/mcp.json'), 'utf8'));
    expect(Object.keys(vscode.servers)).toEqual(['stdio-only']);
    expect(listFiles(join(dir, 'docs/guides')).sort()).toEqual([
      'add-a-tool.md',
      'connect-a-host.md',
    ]);
    expect(readFileSync(join(dir, '.ci/run'), 'utf8')).not.toMatch(/redis|nginx|apt-get/);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(manifest.name).toBe('stdio-only');
  });

  it('asks for every choice at a terminal and builds what was answered', async () => {
    const DOWN = '\x1b[B';
    const result = await runAtTerminal(['--no-git'], work, [
      ['Project folder', 'asked\r'],
      ['Package scope', '\r'], // keep the suggested @asked
      ['Which apps?', ' \r'], // un-tick stdio, keep Hono HTTP
      ['Which MCP server', `${DOWN}\r`], // tickets -> minimal
      ['Authentication', `${DOWN}\r`], // API keys -> OAuth 2.1
      ['Shared state', `${DOWN}\r`], // Redis
      ['Deployment files', `${DOWN} \r`], // add Kubernetes to Docker
      ['Install dependencies now?', 'n\r'],
    ]);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('Created asked');
    const dir = join(work, 'asked');
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('Auth: `oauth`. State: Redis');
    expect(existsSync(join(dir, 'packages/example-server/src/tools/hello.ts'))).toBe(true);
    expect(topFolders(listFiles(dir))).toEqual(
      expect.arrayContaining(['apps/hono-http', 'infra/docker', 'infra/k8s']),
    );
    expect(topFolders(listFiles(dir))).not.toContain('apps/stdio');
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'apps/hono-http/package.json'), 'utf8')).name).toBe(
      '@asked/hono-http',
    );
  });

  it('scaffolds the session app alone (no other app comes along) under the scope it is given', async () => {
    const result = await runCli(
      [
        'sessions',
        '--scope',
        'acme',
        '--apps',
        'express-sessions',
        '--infra',
        'none',
        '--state',
        'redis',
        '--no-install',
        '--no-git',
      ],
      work,
    );
    expect(result.code, result.stderr).toBe(0);
    const files = listFiles(join(work, 'sessions'));
    expect(topFolders(files)).toEqual(
      expect.arrayContaining([
        'apps/express-sessions',
        'infra/nginx',
        'packages/pipeline',
        'packages/sessions',
      ]),
    );
    expect(topFolders(files)).not.toContain('apps/hono-http');
    expect(topFolders(files)).not.toContain('infra/docker');
    expect(topFolders(files)).not.toContain('apps/stdio');
    expect(files).not.toContain('.dockerignore');
    const app = JSON.parse(
      readFileSync(join(work, 'sessions/apps/express-sessions/package.json'), 'utf8'),
    );
    expect(app.name).toBe('@acme/express-sessions');
  });

  it('shows next steps for the package manager that ran it', async () => {
    const result = await runCli(['via-yarn', '--yes', '--no-install', '--no-git'], work, {
      npm_config_user_agent: 'yarn/4.9.1 npm/? node/v20.20.2 linux x64',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('yarn dlx pnpm@10.34.9 install');
    expect(result.stdout).toContain('pnpm workspace');
  });

  it('refuses a folder that is not empty, and leaves it alone', async () => {
    const dir = join(work, 'taken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const result = await runCli(['taken', '--yes', '--no-install'], work);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/taken is not empty \(pass --force/);
    expect(listFiles(dir)).toEqual(['notes.txt']);

    const forced = await runCli(['taken', '--yes', '--no-install', '--no-git', '--force'], work);
    expect(forced.code).toBe(0);
    // API keys by default: the key is printed once; the project keeps only its hash, in .env.
    const key = /API key for the principal "me".*?: (mcpr_\S+)/.exec(forced.stdout)?.[1];
    expect(key).toBeDefined();
    const env = readFileSync(join(dir, '.env'), 'utf8');
    expect(env).toMatch(/^AUTH_MODE=apikey$/m);
    expect(env).not.toContain(key as string);
    expect(listFiles(dir)).toContain('notes.txt');
    expect(listFiles(dir)).toContain('apps/hono-http/src/main.ts');
  });

  it('refuses bad choices with exit code 2 and writes nothing', async () => {
    const result = await runCli(
      ['nope', '--apps', 'stdio', '--infra', 'docker', '--no-install'],
      work,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Docker and Kubernetes deploy the hono-http app');
    expect(existsSync(join(work, 'nope'))).toBe(false);

    const unknown = await runCli(['nope', '--auth', 'basic'], work);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--auth: unknown value "basic"');
  });

  it('needs a folder when nobody can be asked', async () => {
    const result = await runCli(['--yes'], work);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no project folder');
  });

  it('ships its templates, dotfiles included, in the published package', async () => {
    const packed = await runCommand('npm', ['pack', '--dry-run', '--json'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: cleanEnv(),
    });
    expect(packed.code, packed.stderr).toBe(0);
    const files = (JSON.parse(packed.stdout) as [{ files: { path: string }[] }])[0].files.map(
      (file) => file.path,
    );
    for (const path of [
      'bin/create-mcp-runway.js',
      'dist/cli.js',
      'dist/templates/_gitignore',
      'dist/templates/pnpm-lock.yaml',
      'dist/templates/apps/stdio/src/main.ts',
      'dist/templates/packages/example-server/src/server.ts',
    ]) {
      expect(files).toContain(path);
    }
    expect(
      files.some((path) => path.includes('apps/conformance') || path.includes('node_modules')),
    ).toBe(false);
  });
});
