import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

// The MCP Inspector CLI, as a user runs it: `npx @modelcontextprotocol/inspector --cli <url> ...`.
// Its engines field asks for Node 22.19+ (npm warns on an older one); CI runs it on Node 24.
// The app mounts the pipeline fixture server (startApp's default): `echo` returns its text.
const require = createRequire(import.meta.url);
const launcher = join(
  dirname(require.resolve('@modelcontextprotocol/inspector/package.json')),
  'clients/launcher/build/index.js',
);
const run = promisify(execFile);

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

async function inspector(...args: string[]): Promise<Record<string, unknown>> {
  const home = mkdtempSync(join(tmpdir(), 'inspector-home-'));
  const { stdout } = await run(process.execPath, [launcher, '--cli', app.mcpUrl.href, ...args], {
    env: { ...process.env, HOME: home },
    timeout: 30_000,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe.each([
  ['2025-11-25', []],
  ['2026-07-28', ['--protocol-era', 'modern']],
])('MCP Inspector CLI (%s)', (_era, eraArgs) => {
  it('lists the tools', async () => {
    const { tools } = (await inspector(...eraArgs, '--method', 'tools/list')) as {
      tools: { name: string }[];
    };
    expect(tools.map((tool) => tool.name)).toContain('echo');
  });

  it('calls a tool', async () => {
    const result = await inspector(
      ...eraArgs,
      '--method',
      'tools/call',
      '--tool-name',
      'echo',
      '--tool-arg',
      'text=proxy',
    );
    expect(result.structuredContent).toEqual({ text: 'proxy' });
  });
});
