#!/usr/bin/env node
// pnpm bench (second part): apps/hono-http with its rate limits in Redis, while Redis is
// healthy, frozen (SIGSTOP: the connection stays up, nothing answers) and down (killed), beside
// the same app with its limits in memory; one run, ratios side by side. A redis-server of this
// run's own (never the shared one); the app is a fresh process per phase, connected while Redis
// is healthy, then Redis is frozen or killed and the app gets a warm-up second before the
// measured window. Pinned like run.mjs: the app on CPU 0, the load here on CPU 1. Besides
// req/s it reports the app's CPU time per request (user + system, read from the app process
// around the measured window), which moves far less than req/s when the machine is busy.
//   node bench/redis.mjs [--duration 5] [--connections 50] [--rounds 1]
import { execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { startRedisServer } from '@mcp-runway/redis/testing';
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
const rounds = Math.min(Number(values.rounds), 10);

let pin = true;
try {
  execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
} catch {
  pin = false;
}

const redis = await startRedisServer();
process.once('exit', () => process.kill(redis.pid, 'SIGKILL'));

const phases = [
  { name: 'rate limits in memory (no Redis)', env: {} },
  { name: 'Redis healthy', env: { REDIS_URL: redis.url } },
  {
    name: 'Redis frozen (SIGSTOP)',
    env: { REDIS_URL: redis.url },
    before: () => process.kill(redis.pid, 'SIGSTOP'),
    after: () => process.kill(redis.pid, 'SIGCONT'),
  },
  {
    name: 'Redis down (killed)',
    env: { REDIS_URL: redis.url },
    before: () => redis.kill(),
    after: () => redis.restart(),
  },
];

async function start(env) {
  const child = fork(new URL('targets/app.mjs', import.meta.url), {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, LOG_LEVEL: 'info', NODE_ENV: 'production', ...env },
  });
  if (pin) execFileSync('taskset', ['-pc', '0', String(child.pid)], { stdio: 'ignore' });
  const [message] = await once(child, 'message');
  return { child, url: `http://127.0.0.1:${message.port}/mcp` };
}

/** The app process's CPU time so far, in µs (user + system). */
async function cpuOf(child) {
  child.send('cpu');
  for (;;) {
    const [message] = await once(child, 'message');
    if (message?.cpu) return message.cpu.user + message.cpu.system;
  }
}

function load(url, seconds) {
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

const results = new Map(phases.map((phase) => [phase.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const phase of phases) {
    const { child, url } = await start(phase.env);
    try {
      await phase.before?.();
      await load(url, 1); // warm up the JIT (and let a breaker see the outage)
      const cpuBefore = await cpuOf(child);
      const run = await load(url, duration);
      const cpu = (await cpuOf(child)) - cpuBefore;
      const failures = run.errors + run.timeouts + run.non2xx + run.mismatches;
      if (failures > 0)
        throw new Error(`${phase.name}: ${failures} failed responses of ${run.requests.total}`);
      results.get(phase.name).push({
        rps: run.requests.average,
        p99: run.latency.p99,
        cpuUs: cpu / run.requests.total,
      });
    } finally {
      child.kill();
      await phase.after?.();
    }
  }
}

const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];
const summary = phases.map(({ name }) => ({
  name,
  rps: median(results.get(name).map((r) => r.rps)),
  p99: median(results.get(name).map((r) => r.p99)),
  cpuUs: median(results.get(name).map((r) => r.cpuUs)),
}));
const healthy = summary[1];
console.log(
  `\napps/hono-http, tools/call echo, rate limits in Redis; ${connections} connections, ${duration}s x ${rounds} round(s)${pin ? ', app on CPU 0, load on CPU 1' : ''}\n`,
);
console.log('| Redis | req/s | p99 ms | vs healthy | app CPU µs/request | vs healthy |');
console.log('|---|---:|---:|---:|---:|---:|');
const pct = (a, b) => `${((a / b) * 100).toFixed(1)}%`;
for (const row of summary) {
  console.log(
    `| ${row.name} | ${Math.round(row.rps)} | ${row.p99} | ${pct(row.rps, healthy.rps)} | ${Math.round(row.cpuUs)} | ${pct(row.cpuUs, healthy.cpuUs)} |`,
  );
}
for (const row of summary.slice(2)) {
  const loss = 1 - row.rps / healthy.rps;
  console.log(
    `${row.name}: throughput ${(loss * 100).toFixed(1)}% below healthy (target: under 10%) ${loss < 0.1 ? 'PASS' : 'MISS'}`,
  );
}
process.exit(0);
