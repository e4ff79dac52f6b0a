#!/usr/bin/env node
// What the pipeline itself costs, in CPU µs per request, measured in process (no sockets): the
// same 2026-07-28 `echo` tools/call through the tuned SDK baseline (Hono + createMcpHandler
// with a parsed body and pooled servers) and through apps/hono-http's createApp (the whole
// pipeline), alternating rounds, 50 requests in flight. CPU time per request is far steadier
// than req/s on a shared machine (which is why this exists: run.mjs's req/s swing by ±30% when
// anything else runs); the difference of the two medians is the pipeline's own cost.
//   node bench/pipeline-cpu.mjs [--requests 20000] [--rounds 5] [--app-only]
// On a busy machine, `nice -n -20 taskset -c 1 node bench/pipeline-cpu.mjs` steadies it further.
// To compare two checkouts, run it (with --app-only) in each, alternating, and compare medians.
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { loadConfig } from '@mcp-runway/config';
import { pooledServerFactory } from '@mcp-runway/http';
import { createLogger } from '@mcp-runway/logging';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { Hono } from 'hono';
import { createApp } from '../dist/app.js';
import { configSchema } from '../dist/config.js';
import {
  createEchoServer,
  ECHO_HEADERS,
  ECHO_REQUEST,
  echoModule,
  isEchoResult,
} from './echo-server.mjs';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    'app-only': { type: 'boolean', default: false },
  },
});
const requests = Math.min(Number(values.requests), 200_000);
const rounds = Math.min(Number(values.rounds), 20);

// The tuned SDK, as bench/targets/tuned-sdk.mjs serves it.
const tunedMcp = createMcpHandler(pooledServerFactory(createEchoServer));
const tuned = new Hono();
tuned.post('/mcp', async (c) => tunedMcp.fetch(c.req.raw, { parsedBody: await c.req.json() }));

// The app, as bench/targets/app.mjs composes it; its log lines are formatted, then dropped.
const config = loadConfig(configSchema, {
  ...process.env,
  PORT: '3000',
  NODE_ENV: 'production',
  RATE_LIMIT_POINTS: '100000000',
  MAX_CONCURRENT_CALLS: '100000',
  MAX_CONCURRENT_CALLS_TOTAL: '100000',
});
const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
const logger = createLogger({ name: 'bench', level: 'info', format: 'json', destination: discard });
const { app } = await createApp({ config, logger, server: echoModule });
// What @hono/node-server hands the app: the socket the request came on (rate-limit key).
const nodeEnv = { incoming: { socket: { remoteAddress: '127.0.0.1', remotePort: 50000 } } };

const url = 'http://127.0.0.1:3000/mcp';
// As a client sends it: with Content-Length (the pipeline then reads the body in one piece).
const headers = {
  ...ECHO_HEADERS,
  host: '127.0.0.1:3000',
  'content-length': String(Buffer.byteLength(ECHO_REQUEST)),
};

async function drive(fetch, count) {
  let sent = 0;
  const worker = async () => {
    while (sent++ < count) {
      const response = await fetch(
        new Request(url, { method: 'POST', headers, body: ECHO_REQUEST }),
      );
      const text = await response.text();
      if (!isEchoResult(text)) throw new Error(`unexpected answer: ${text}`);
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
}

const targets = [
  { name: 'SDK tuned (parsed body, pooled servers)', fetch: (r) => tuned.fetch(r) },
  { name: 'apps/hono-http createApp (whole pipeline)', fetch: (r) => app.fetch(r, nodeEnv) },
];
if (values['app-only']) targets.splice(0, 1);
for (const target of targets) await drive(target.fetch, 5000); // warm up the JIT
const samples = new Map(targets.map((t) => [t.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const target of targets) {
    const before = process.cpuUsage();
    await drive(target.fetch, requests);
    const { user, system } = process.cpuUsage(before);
    samples.get(target.name).push((user + system) / requests);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`\nCPU µs per tools/call, in process, ${rounds} rounds × ${requests}, medians\n`);
console.log('| target | CPU µs/request | spread |');
console.log('|---|---:|---:|');
for (const target of targets) {
  const xs = samples.get(target.name);
  console.log(
    `| ${target.name} | ${median(xs).toFixed(1)} | ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} |`,
  );
}
if (targets.length === 2) {
  const [base, full] = targets.map((t) => median(samples.get(t.name)));
  console.log(`| **the pipeline's own cost** | **${(full - base).toFixed(1)}** | |`);
}
