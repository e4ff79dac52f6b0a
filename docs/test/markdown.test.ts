import { describe, expect, it } from 'vitest';
import { commands, repoPaths } from './commands.js';
import { parseFences, shellBlocks } from './markdown.js';

const page = [
  'Intro',
  '```sh runnable expect-exit=5 expect-stdout="No ticket T-99."',
  'npx --yes x@1.0.0 \\',
  '  --flag a',
  '```',
  '- a list item',
  '  ```json',
  '  { "indented": true }',
  '  ```',
  '````md',
  '```sh',
  'not a block of its own',
  '```',
  '````',
  '```sh runnable background wait=http://127.0.0.1:3000/health',
  'node apps/hono-http/dist/main.js',
  '```',
  '```sh',
  'npx --yes pnpm@10.34.9 install',
  '```',
].join('\n');

describe('the markdown block parser', () => {
  it('finds fenced blocks with their line, info string and code, indented ones included', () => {
    expect(parseFences(page).map(({ line, info }) => [line, info])).toEqual([
      [2, 'sh runnable expect-exit=5 expect-stdout="No ticket T-99."'],
      [7, 'json'],
      [10, 'md'],
      [15, 'sh runnable background wait=http://127.0.0.1:3000/health'],
      [18, 'sh'],
    ]);
    expect(parseFences(page)[1]?.code).toBe('{ "indented": true }\n');
  });

  it('reads the attributes of shell blocks, quoted values included', () => {
    const [expecting, server, plain] = shellBlocks('page.md', page);
    expect(expecting).toMatchObject({
      runnable: true,
      expectExit: 5,
      expectStdout: 'No ticket T-99.',
    });
    expect(server).toMatchObject({
      runnable: true,
      background: true,
      wait: 'http://127.0.0.1:3000/health',
      timeoutMs: 30_000,
    });
    expect(plain).toMatchObject({ runnable: false, background: false, expectExit: 0 });
  });

  it('refuses an attribute it does not know, so a typo cannot turn a block off', () => {
    expect(() => shellBlocks('page.md', '```sh runable\nls\n```\n')).toThrow(/page.md:1: unknown/);
  });

  it('refuses a background block with no URL to wait for', () => {
    expect(() => shellBlocks('page.md', '```sh runnable background\nx\n```\n')).toThrow(/wait=/);
  });

  it('marks a block that runs in a generated project, and takes nothing else with it', () => {
    const [block] = shellBlocks('page.md', '```sh project\nrm src/a.ts\n```\n');
    expect(block).toMatchObject({ project: true, runnable: false });
    expect(() => shellBlocks('page.md', '```sh project runnable\nx\n```\n')).toThrow(/project/);
  });
});

describe('the command splitter', () => {
  it('joins continued lines, drops comments, assignments and redirection targets', () => {
    const code = [
      'AUTH_MODE=apikey API_KEYS="$(sed -n 2p /tmp/k)" node apps/a/dist/main.js 2>/dev/null # run',
      'curl -s http://127.0.0.1:3000/mcp -d \'{"a": 1}\' \\',
      "  | grep -i 'x y' && cd apps/lambda > /tmp/out",
    ].join('\n');
    expect(commands(code).map((command) => command.argv)).toEqual([
      ['node', 'apps/a/dist/main.js'],
      ['curl', '-s', 'http://127.0.0.1:3000/mcp', '-d', '{"a": 1}'],
      ['grep', '-i', 'x y'],
      ['cd', 'apps/lambda'],
    ]);
  });

  it('finds the repository paths a block mentions, in strings and comments too', () => {
    const code =
      'import "./apps/x/dist/h.js"; # writes apps/y/dist/z.mjs\nkubectl kustomize infra/k8s/';
    expect(repoPaths(code)).toEqual(['apps/x/dist/h.js', 'apps/y/dist/z.mjs', 'infra/k8s']);
  });
});
