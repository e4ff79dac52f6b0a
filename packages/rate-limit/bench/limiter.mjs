#!/usr/bin/env node
// pnpm bench: what one limiter.consume() costs, in process, with budgets in memory, in a
// healthy Redis, and in a Redis that is frozen (SIGSTOP, the circuit open) or down (killed).
// CPU µs per call (this process, user + system) moves far less than wall time on a busy
// machine; calls/s is shown too. 50 calls in flight, as 50 connections would keep them.
// For comparison, the frozen Redis behind a plain ioredis client with the same request-path
// settings but no circuit breaker (what every client was before it): each call waits out
// the 500 ms command timeout, so that phase makes 500 calls, not 50,000.
// A redis-server of this run's own, never the shared one.
//   node bench/limiter.mjs [--calls 50000] [--rounds 3]
import { parseArgs } from 'node:util';
import { REQUEST_PATH_REDIS_OPTIONS } from '@mcp-runway/redis';
import { connectRedis, startRedisServer } from '@mcp-runway/redis/testing';
import { Redis } from 'ioredis';
import { createRateLimiter } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '50000' },
    rounds: { type: 'string', default: '3' },
  },
});
const calls = Number(values.calls);
const rounds = Math.min(Number(values.rounds), 10);

const server = await startRedisServer();
const redis = await connectRedis(server.url);
const budget = { points: 1_000_000_000, durationSeconds: 60 };
const inMemory = createRateLimiter(budget);
const inRedis = createRateLimiter({ ...budget, redis, keyPrefix: 'bench:rate-limit' });
const plain = new Redis(server.url, REQUEST_PATH_REDIS_OPTIONS);
plain.on('error', () => {});
const noBreaker = createRateLimiter({ ...budget, redis: plain, keyPrefix: 'bench:rate-limit' });

async function measure(limiter, calls) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let issued = 0;
  const worker = async () => {
    while (issued++ < calls) await limiter.consume('203.0.113.7');
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  const used = process.cpuUsage(cpu);
  return {
    cpuUs: (used.user + used.system) / calls,
    perSecond: calls / ((performance.now() - started) / 1000),
  };
}

const phases = [
  { name: 'memory', limiter: inMemory },
  { name: 'Redis healthy', limiter: inRedis },
  {
    name: 'Redis frozen, circuit open',
    limiter: inRedis,
    async before() {
      server.freeze();
      // Five calls wait out the command timeout and open the circuit.
      await Promise.all(Array.from({ length: 5 }, () => inRedis.consume('warm')));
    },
    after: () => server.thaw(),
  },
  {
    name: 'Redis frozen, no breaker (before)',
    limiter: noBreaker,
    calls: 500,
    before: () => server.freeze(),
    after: () => server.thaw(),
  },
  {
    name: 'Redis down, circuit open',
    limiter: inRedis,
    before: () => server.kill(),
    async after() {
      await server.restart();
      while (redis.circuit.state !== 'closed') await new Promise((r) => setTimeout(r, 50));
    },
  },
];

const results = new Map(phases.map((phase) => [phase.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const phase of phases) {
    await phase.before?.();
    results.get(phase.name).push(await measure(phase.limiter, phase.calls ?? calls));
    await phase.after?.();
    // The thawed Redis answers its backlog; wait for the circuit to close before going on.
    while (redis.circuit.state !== 'closed') await new Promise((r) => setTimeout(r, 50));
  }
}

const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];
console.log(`\nlimiter.consume(), ${calls} calls x ${rounds} round(s), 50 in flight\n`);
console.log('| budgets | CPU µs per call | calls/s |');
console.log('|---|---:|---:|');
for (const { name } of phases) {
  const runs = results.get(name);
  const cpu = median(runs.map((r) => r.cpuUs)).toFixed(1);
  console.log(`| ${name} | ${cpu} | ${Math.round(median(runs.map((r) => r.perSecond)))} |`);
}
redis.disconnect();
plain.disconnect();
await server.kill();
