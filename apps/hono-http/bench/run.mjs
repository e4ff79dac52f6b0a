#!/usr/bin/env node
// pnpm bench: the same tools/call (2026-07-28 `echo`) against a raw node:http floor, the bare
// SDK handler on Hono, and apps/hono-http with its full pipeline; one run, ratios side by side.
// Each target runs in its own process, pinned to CPU 0 when taskset exists; the load
// generator runs here, on CPU 1. Loopback only, bounded duration.
//   node bench/run.mjs [--duration 5] [--connections 50] [--rounds 1]
import { execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { ECHO_HEADERS, ECHO_REQUEST, isEchoResult } from './echo-server.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '1' },
  },
});
const duration = Math.min(Number(values.duration), 30);
const connections = Number(values.connections);
const rounds = Math.min(Number(values.rounds), 5);

const targets = [
  { name: 'raw node:http floor', file: 'targets/raw.mjs' },
  { name: 'bare SDK createMcpHandler on Hono', file: 'targets/bare-sdk.mjs' },
  { name: 'SDK tuned: parsed body, pooled servers', file: 'targets/tuned-sdk.mjs' },
  { name: 'apps/hono-http, full pipeline', file: 'targets/app.mjs' },
];

function hasTaskset() {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const pin = hasTaskset();
if (pin) execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });

async function start(target) {
  const child = fork(new URL(target.file, import.meta.url), {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, LOG_LEVEL: 'info', NODE_ENV: 'production' },
  });
  if (pin) execFileSync('taskset', ['-pc', '0', String(child.pid)], { stdio: 'ignore' });
  const [message] = await once(child, 'message');
  return { child, url: `http://127.0.0.1:${message.port}/mcp` };
}

async function load(url, seconds) {
  return autocannon({
    url,
    method: 'POST',
    headers: ECHO_HEADERS,
    body: ECHO_REQUEST,
    connections,
    duration: seconds,
    verifyBody: isEchoResult,
  });
}

const results = new Map(targets.map((target) => [target.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const target of targets) {
    const { child, url } = await start(target);
    try {
      await load(url, 1); // warm up the JIT
      const run = await load(url, duration);
      const failures = run.errors + run.timeouts + run.non2xx + run.mismatches;
      if (failures > 0)
        throw new Error(`${target.name}: ${failures} failed responses of ${run.requests.total}`);
      results
        .get(target.name)
        .push({ rps: run.requests.average, p50: run.latency.p50, p99: run.latency.p99 });
    } finally {
      child.kill();
    }
  }
}

const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];
const summary = targets.map(({ name }) => {
  const runs = results.get(name);
  return {
    name,
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
  };
});
const [floor, sdk, tuned, app] = summary;
const pct = (a, b) => `${((a / b) * 100).toFixed(1)}%`;
console.log(
  `\ntools/call echo, ${connections} connections, ${duration}s x ${rounds} round(s)${pin ? ', server on CPU 0, load on CPU 1' : ''}\n`,
);
console.log('| target | req/s | p50 ms | p99 ms | vs floor | vs bare SDK | vs tuned SDK |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const row of summary) {
  const ratios = [floor, sdk, tuned].map((base) => pct(row.rps, base.rps)).join(' | ');
  console.log(`| ${row.name} | ${Math.round(row.rps)} | ${row.p50} | ${row.p99} | ${ratios} |`);
}
const cost = 1 - app.rps / sdk.rps;
console.log(
  `\npipeline cost vs bare SDK: ${(cost * 100).toFixed(1)}% (target: at most 10%) ${cost <= 0.1 ? 'PASS' : 'MISS'}`,
);
console.log(
  `pipeline cost vs the same SDK tuning without the pipeline: ${((1 - app.rps / tuned.rps) * 100).toFixed(1)}%`,
);
console.log(
  `moonshot: ${Math.round(app.rps)} req/s on apps/hono-http (target: >= 10000) ${app.rps >= 10_000 ? 'PASS' : 'MISS'}`,
);
