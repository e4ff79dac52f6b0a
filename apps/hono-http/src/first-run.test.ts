/**
 * A developer's first run, on a clean copy of this workspace: the frozen install prints no
 * warning and asks nothing, `pnpm dev` serves the main app from source and restarts it when a
 * tool's source changes (no build), and Ctrl-C ends `pnpm dev` and `pnpm start` quietly, with
 * exit code 0. The copy is installed offline, from the store this workspace was installed from.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '@mcp-runway/testing/process';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  copyWorkspace,
  eventually,
  pnpm,
  runInTerminal,
  type Terminal,
  workspaceRoot,
} from './test/workspace.js';

let copy: string;
let install: { code: number | null; output: string };

beforeAll(async () => {
  copy = copyWorkspace();
  // The root .env, which `pnpm dev` and `pnpm start` read: an OS-picked port, JSON logs.
  // A generous anonymous budget: the test polls with a fresh client (four requests) each time.
  writeFileSync(
    join(copy, '.env'),
    'PORT=0\nMETRICS_PORT=0\nLOG_FORMAT=json\nRATE_LIMIT_POINTS=100000\n',
  );
  const { command, args } = pnpm();
  const run = await runCommand(command, [...args, 'install', '--frozen-lockfile', '--offline'], {
    cwd: copy,
    env: cleanEnv({ CI: 'true' }),
    timeoutMs: 240_000,
  });
  install = { code: run.code, output: `${run.stdout}\n${run.stderr}` };
}, 250_000);
afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** The tools the server at `port` lists (name and description), or undefined if it is not up. */
async function listTools(port: number): Promise<Map<string, string> | undefined> {
  const client = new Client({ name: 'first-run-test', version: '1.0.0' });
  try {
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)),
    );
    const { tools } = await client.listTools();
    return new Map(tools.map((tool) => [tool.name, tool.description ?? '']));
  } catch {
    return undefined; // restarting: the old process is gone, the new one not listening yet
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** A tool the test adds, the way docs/guides/add-a-tool.md adds one: a file and a line. */
function probeTool(description: string): string {
  return `import type { ToolModule } from '../module.js';

export const devProbe: ToolModule = {
  name: 'dev_probe',
  scopes: [],
  cost: 1,
  register(server) {
    server.registerTool(this.name, { description: ${JSON.stringify(description)} }, async () => ({
      content: [{ type: 'text', text: 'probe' }],
    }));
  },
};
`;
}

/**
 * Waits until the restarted server lists what a save changed, saving again only when the save
 * went unnoticed, as a person would: when the watcher has not reacted for 3 s, or when a server
 * restarted after the save still lists the old tools (tsx learns a new file's place in the import
 * graph from the restarted process, so a save before that is not noticed). A restart under way is
 * never interrupted by another save: on a busy machine one can take longer than 3 s.
 */
async function savedUntilSeen(
  what: string,
  terminal: Terminal,
  { save, seen }: { save: () => void; seen: (listed: Map<string, string>) => boolean },
): Promise<void> {
  let savedAt = Date.now();
  let mark = terminal.output().length;
  await eventually(
    what,
    terminal,
    async () => {
      const port = terminal.port();
      const listed = port === undefined ? undefined : await listTools(port);
      if (listed && seen(listed)) return true;
      const since = terminal.output().slice(mark);
      const restart = since.lastIndexOf('Restarting');
      const unnoticed = restart === -1;
      const restartedStale = restart !== -1 && since.lastIndexOf('"msg":"listening"') > restart;
      if (Date.now() - savedAt > 3000 && (unnoticed || restartedStale)) {
        mark = terminal.output().length;
        save();
        savedAt = Date.now();
      }
      return undefined;
    },
    90_000,
  );
}

async function endQuietly(terminal: Terminal): Promise<void> {
  // One save can reach the watcher as two changes: let a restart under way finish first, as a
  // person would see the server come back before pressing Ctrl-C.
  await eventually('a settled server', terminal, async () => {
    const settled = () => {
      const output = terminal.output();
      return output.lastIndexOf('"msg":"listening"') > output.lastIndexOf('Restarting');
    };
    if (!settled()) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return settled() ? true : undefined;
  });
  terminal.interrupt();
  const { code } = await terminal.exited;
  const output = terminal.output();
  expect(code, output.slice(-6000)).toBe(0);
  expect(output).not.toMatch(/ERR_PNPM|ELIFECYCLE|Command failed/);
  expect(output).toContain('"msg":"stopped"');
}

describe('a first run on a clean copy', () => {
  it('installs with nothing to warn about and nothing to approve', () => {
    expect(install.code, install.output).toBe(0);
    expect(install.output).not.toMatch(/WARN/);
    expect(install.output).not.toMatch(/approve-builds|Ignored build scripts/);
    expect(install.output).not.toMatch(/Failed to create bin/);
    expect(install.output).not.toMatch(/Unknown/i);
  });

  it('`pnpm dev` serves from source and restarts on a tool edit; Ctrl-C ends it quietly', async () => {
    expect(install.code, install.output).toBe(0);
    const tools = join(copy, 'packages/example-server/src/tools');
    const terminal = runInTerminal(copy, ['dev']);
    try {
      const before = await eventually('tools/list', terminal, async () => {
        const port = terminal.port();
        return port === undefined ? undefined : listTools(port);
      });
      expect(before.size).toBeGreaterThan(0);
      expect(before.has('dev_probe')).toBe(false);
      // Nothing was built: the workspace packages ran from their TypeScript source.
      expect(existsSync(join(copy, 'packages/example-server/dist'))).toBe(false);

      writeFileSync(join(tools, 'dev-probe.ts'), probeTool('Added while the server ran.'));
      const index = readFileSync(join(tools, 'index.ts'), 'utf8');
      const listed = 'export const tools: readonly ToolModule[] = [';
      expect(index).toContain(listed);
      const added = `${index.replace(listed, `${listed}devProbe, `)}import { devProbe } from './dev-probe.js';\n`;
      writeFileSync(join(tools, 'index.ts'), added);
      await savedUntilSeen('the added tool', terminal, {
        save: () => writeFileSync(join(tools, 'index.ts'), added),
        seen: (listed) => listed.get('dev_probe') === 'Added while the server ran.',
      });

      writeFileSync(join(tools, 'dev-probe.ts'), probeTool('Its description, edited.'));
      await savedUntilSeen('the edited description', terminal, {
        save: () =>
          writeFileSync(join(tools, 'dev-probe.ts'), probeTool('Its description, edited.')),
        seen: (listed) => listed.get('dev_probe') === 'Its description, edited.',
      });
    } finally {
      await endQuietly(terminal);
    }
  }, 240_000);

  it("the app's `pnpm start`: Ctrl-C drains it and it exits 0, quietly", async () => {
    expect(install.code, install.output).toBe(0);
    // What `pnpm start` builds first (turbo, the same sources): this package's test task ran
    // the build already, so the copy takes those outputs instead of building them again.
    for (const group of ['packages', 'apps']) {
      for (const name of readdirSync(join(workspaceRoot, group))) {
        const dist = join(workspaceRoot, group, name, 'dist');
        if (existsSync(dist)) cpSync(dist, join(copy, group, name, 'dist'), { recursive: true });
      }
    }
    const terminal = runInTerminal(copy, ['--filter', '@mcp-runway/hono-http', 'start']);
    try {
      await eventually('listening', terminal, () => terminal.port());
    } finally {
      await endQuietly(terminal);
    }
  }, 60_000);
});
