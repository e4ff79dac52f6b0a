#!/usr/bin/env node
// Where a target's CPU goes: CPU µs per request (steadier than req/s on a busy machine) and,
// with --profile, a V8 CPU profile summarised by function (self time) and by package.
//   node bench/profile.mjs [--target app|tuned-sdk|bare-sdk|raw] [--duration 8] [--profile]
//                          [--top 25] [--keep DIR]
// The target runs in its own process under autocannon load (50 keep-alive connections), as
// in bench/run.mjs. Loopback only, bounded duration.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { ECHO_HEADERS, ECHO_REQUEST, isEchoResult } from './echo-server.mjs';

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'app' },
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '50' },
    profile: { type: 'boolean', default: false },
    top: { type: 'string', default: '25' },
    keep: { type: 'string' },
  },
});
const duration = Math.min(Number(values.duration), 30);
const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'runway-prof-'));

const child = fork(new URL(`targets/${values.target}.mjs`, import.meta.url), {
  stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  env: { LOG_LEVEL: 'info', ...process.env, NODE_ENV: 'production' },
  execArgv: values.profile ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [],
});
const [{ port }] = await once(child, 'message');
const url = `http://127.0.0.1:${port}/mcp`;

async function cpuOf() {
  child.send('cpu');
  for (;;) {
    const [message] = await once(child, 'message');
    if (message?.cpu) return message.cpu.user + message.cpu.system;
  }
}
const load = (seconds) =>
  autocannon({
    url,
    method: 'POST',
    headers: ECHO_HEADERS,
    body: ECHO_REQUEST,
    connections: Number(values.connections),
    duration: seconds,
    verifyBody: isEchoResult,
  });

await load(1); // warm up the JIT
const before = await cpuOf();
const run = await load(duration);
const cpu = (await cpuOf()) - before;
const failures = run.errors + run.timeouts + run.non2xx + run.mismatches;
child.kill('SIGINT');
await once(child, 'exit');
if (failures > 0) throw new Error(`${failures} failed responses of ${run.requests.total}`);
console.log(
  `${values.target}: ${Math.round(run.requests.average)} req/s, ${(cpu / run.requests.total).toFixed(1)} CPU µs/request (${run.requests.total} requests)`,
);

if (values.profile) {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  summarise(profile, run.requests.total, Number(values.top));
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`profile kept in ${join(dir, file)}`);
}

/** Self time per function and per package, in µs per request over the whole profile. */
function summarise({ nodes, samples, timeDeltas }, requests, top) {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const self = new Map();
  for (let i = 0; i < samples.length; i++) {
    self.set(samples[i], (self.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0));
  }
  const byFunction = new Map();
  const byPackage = new Map();
  for (const [id, micros] of self) {
    const { callFrame } = byId.get(id);
    const where = place(callFrame.url);
    const key = `${callFrame.functionName || '(anonymous)'}  ${where}:${callFrame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    byPackage.set(where.split(' ')[0], (byPackage.get(where.split(' ')[0]) ?? 0) + micros);
  }
  const print = (title, map, count) => {
    console.log(`\n${title} (µs of self time per request, whole run incl. warm-up)`);
    for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count)) {
      console.log(`${(micros / requests).toFixed(1).padStart(8)}  ${key}`);
    }
  };
  print('by package', byPackage, 20);
  print('by function', byFunction, top);
}

/** A short place name: the package (scoped) and file, or node internals, or (program)/(gc). */
function place(url) {
  if (!url) return '(vm)';
  if (url.startsWith('node:')) return `node ${url.slice(5)}`;
  const match = url.match(/node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/);
  if (match) return `${match[1]} ${match[2]}`;
  const workspace = url.match(/\/(packages|apps)\/([^/]+)\/(.*)$/);
  if (workspace) return `@mcp-runway/${workspace[2]} ${workspace[3]}`;
  return url.replace(/^file:\/\//, '');
}
