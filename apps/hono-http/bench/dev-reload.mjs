#!/usr/bin/env node
// pnpm bench (first part): the developer's loop. On a clean copy of the workspace (installed
// offline from the store this one was installed from; never this checkout's own files),
// `pnpm dev` runs; the bench edits a tool's description several times and measures, for each
// save, the time until the running server lists the new description (tools/list with the
// official client, polled every 20 ms). Prints each figure and the median.
//   node bench/dev-reload.mjs [--edits 5]
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const { values } = parseArgs({ options: { edits: { type: 'string', default: '5' } } });
const edits = Math.min(Math.max(Number(values.edits), 1), 20);

const root = fileURLToPath(new URL('../../../', import.meta.url));
const skipped = new Set(['node_modules', 'dist', 'reports', '.turbo', '.git', 'coverage']);
const copy = mkdtempSync(join(tmpdir(), 'dev-reload-bench-'));
cpSync(root, copy, {
  recursive: true,
  filter: (path) => {
    const name = basename(path);
    return !skipped.has(name) && !(name === '.env' || name.startsWith('.env.'));
  },
});
writeFileSync(join(copy, '.env'), 'PORT=0\nMETRICS_PORT=0\nLOG_FORMAT=json\n');

function pnpm() {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) return [process.execPath, execPath];
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'pnpm'))
    .find((file) => existsSync(file));
  return onPath ? [onPath] : ['npx', '--yes', 'pnpm@10.34.9'];
}
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) =>
      !/^(npm_|pnpm_|TURBO_|NODE_OPTIONS$|INIT_CWD$|PORT$|METRICS_PORT$|LOG_FORMAT$)/i.test(key),
  ),
);
const [command, ...prefix] = pnpm();

function run(args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...prefix, ...args], { cwd: copy, env, ...options });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${args} exited ${code}`)),
    );
  });
}

const tools = join(copy, 'packages/example-server/src/tools');
const probe = (description) => `import type { ToolModule } from '../module.js';

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

let dev;
let output = '';
/** When each "listening" line arrived: the restarted server accepts connections. */
const listened = [];
try {
  await run(['install', '--frozen-lockfile', '--offline'], { stdio: 'ignore' });
  // The probe tool is in place before the server starts: each measured save is one edit.
  writeFileSync(join(tools, 'dev-probe.ts'), probe('edit 0'));
  const listed = 'export const tools: readonly ToolModule[] = [';
  const index = readFileSync(join(tools, 'index.ts'), 'utf8');
  if (!index.includes(listed)) throw new Error(`no "${listed}" in src/tools/index.ts`);
  writeFileSync(
    join(tools, 'index.ts'),
    `${index.replace(listed, `${listed}devProbe, `)}import { devProbe } from './dev-probe.js';\n`,
  );

  dev = spawn(command, [...prefix, 'dev'], {
    cwd: copy,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [dev.stdout, dev.stderr])
    stream.setEncoding('utf8').on('data', (chunk) => {
      if (chunk.includes('"msg":"listening"')) listened.push(performance.now());
      output += chunk;
    });
  const port = () => {
    const line = output
      .split('\n')
      .filter((text) => text.includes('"msg":"listening"'))
      .at(-1);
    return line && JSON.parse(line.slice(line.indexOf('{'))).address.port;
  };
  const description = async () => {
    const at = port();
    if (!at) return undefined;
    const client = new Client({ name: 'dev-reload-bench', version: '1.0.0' });
    try {
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${at}/mcp`)),
      );
      const { tools: list } = await client.listTools();
      return list.find((tool) => tool.name === 'dev_probe')?.description;
    } catch {
      return undefined;
    } finally {
      await client.close().catch(() => undefined);
    }
  };
  const until = async (expected) => {
    const deadline = Date.now() + 60_000;
    while ((await description()) !== expected) {
      if (dev.exitCode !== null || Date.now() > deadline)
        throw new Error(`dev server never served "${expected}":\n${output.slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  await until('edit 0');

  const figures = [];
  const listening = [];
  for (let edit = 1; edit <= edits; edit++) {
    const saved = performance.now();
    writeFileSync(join(tools, 'dev-probe.ts'), probe(`edit ${edit}`));
    await until(`edit ${edit}`);
    figures.push(performance.now() - saved);
    listening.push((listened.find((at) => at > saved) ?? Number.NaN) - saved);
  }
  const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];
  const each = (numbers) => numbers.map((ms) => `${Math.round(ms)} ms`).join(', ');
  console.log(`\npnpm dev, ${edits} saves of a tool file`);
  console.log(
    `save -> the restarted server listening: median ${Math.round(median(listening))} ms (${each(listening)})`,
  );
  const served = median(figures);
  console.log(
    `save -> tools/list serving the change: median ${Math.round(served)} ms (${each(figures)}) (target: under 2000 ms) ${served < 2000 ? 'PASS' : 'MISS'}`,
  );
} finally {
  if (dev?.pid) {
    try {
      process.kill(-dev.pid, 'SIGINT');
    } catch {
      // gone already
    }
    if (dev.exitCode === null) await new Promise((resolve) => dev.on('exit', resolve));
  }
  rmSync(copy, { recursive: true, force: true });
}
