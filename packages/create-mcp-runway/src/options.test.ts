import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultScope, detectPackageManager, parseFlags, UsageError } from './options.js';
import { canPrompt, decideWithoutPrompts, defaultFolder } from './prompts.js';

describe('parseFlags', () => {
  it('reads a flag for every choice', () => {
    const flags = parseFlags(
      [
        'srv',
        '--scope',
        'acme',
        '--apps',
        'stdio,lambda',
        '--auth',
        'oauth',
        '--state',
        'redis',
        '--infra',
        'none',
        '--pm',
        'yarn',
        '--no-install',
        '--no-git',
        '--force',
        '--yes',
      ],
      '/work',
    );
    expect(flags).toMatchObject({
      directory: '/work/srv',
      name: 'srv',
      scope: '@acme',
      apps: ['stdio', 'lambda'],
      auth: 'oauth',
      state: 'redis',
      infra: [],
      packageManager: 'yarn',
      install: false,
      git: false,
      force: true,
      yes: true,
    });
  });

  it.each([
    [['x', '--apps', 'stdio,grpc'], /--apps: unknown value "grpc"/],
    [['x', '--apps', 'none'], /at least one app/],
    [['x', '--auth', 'basic'], /--auth: unknown value "basic"/],
    [['x', '--scope', 'Not A Scope'], /not an npm scope/],
    [['My Server'], /project name "My Server"/],
    [['a', 'b'], /one project folder/],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseFlags(argv, '/work')).toThrow(UsageError);
    expect(() => parseFlags(argv, '/work')).toThrow(message);
  });
});

describe('--ui', () => {
  const env = { cwd: '/work', interactive: false, userAgent: undefined };
  const decided = (argv: string[]) => decideWithoutPrompts(parseFlags(argv, '/work'), env).ui;

  it('is on with the ticket board and off with the minimal example, unless a flag says', () => {
    expect(decided(['srv'])).toBe(true);
    expect(decided(['srv', '--no-ui'])).toBe(false);
    expect(decided(['srv', '--example', 'minimal'])).toBe(false);
  });

  it('is refused with the minimal example', () => {
    expect(() => decided(['srv', '--example', 'minimal', '--ui'])).toThrow(
      /--ui: the view belongs/,
    );
  });
});

describe('detectPackageManager', () => {
  it.each([
    ['pnpm/10.34.9 npm/? node/v20.20.2 linux x64', 'pnpm'],
    ['npm/11.19.1 node/v20.20.2 linux x64 workspaces/false', 'npm'],
    ['yarn/4.9.1 npm/? node/v20.20.2 linux x64', 'yarn'],
    ['bun/1.2.0 npm/? node/v22.6.0 linux x64', 'bun'],
    [undefined, 'npm'],
  ])('reads %s as %s', (agent, pm) => {
    expect(detectPackageManager(agent)).toBe(pm);
  });
});

describe('without prompts', () => {
  it('does not prompt when stdin is not a terminal or CI is set', () => {
    expect(canPrompt({}, true)).toBe(true);
    expect(canPrompt({}, undefined)).toBe(false);
    expect(canPrompt({ CI: 'true' }, true)).toBe(false);
  });

  it('takes the defaults for what the flags left open', () => {
    const choices = decideWithoutPrompts(parseFlags(['srv'], '/work'), {
      cwd: '/work',
      interactive: false,
      userAgent: 'pnpm/10.34.9 npm/? node/v20.20.2',
    });
    expect(choices).toMatchObject({
      name: 'srv',
      scope: defaultScope('srv'),
      apps: ['stdio', 'hono-http'],
      auth: 'apikey',
      state: 'memory',
      infra: ['docker'],
      packageManager: 'pnpm',
    });
  });

  it('needs a folder when nobody can be asked', () => {
    expect(() =>
      decideWithoutPrompts(parseFlags([], '/work'), {
        cwd: '/work',
        interactive: false,
        userAgent: undefined,
      }),
    ).toThrow(/no project folder/);
  });
});

describe('defaults that follow from other choices', () => {
  const env = { cwd: '/tmp', interactive: false, userAgent: undefined };

  it('gives a stdio-only project no deployment files, so `--apps stdio --yes` just works', () => {
    const flags = { ...parseFlags(['p', '--apps', 'stdio'], '/tmp'), yes: true };
    expect(decideWithoutPrompts(flags, env).infra).toEqual([]);
    const http = { ...parseFlags(['p', '--apps', 'hono-http'], '/tmp'), yes: true };
    expect(decideWithoutPrompts(http, env).infra).toEqual(['docker']);
  });

  it('suggests a folder beside a template checkout, never inside it', () => {
    const root = mkdtempSync(join(tmpdir(), 'runway-clone-'));
    mkdirSync(join(root, 'clone/packages/create-mcp-runway'), { recursive: true });
    writeFileSync(join(root, 'clone/packages/create-mcp-runway/package.json'), '{}');
    expect(defaultFolder(join(root, 'clone/packages'))).toBe(join(root, 'my-mcp-server'));
    expect(defaultFolder(root)).toBe(join(root, 'my-mcp-server'));
  });
});
