/**
 * What the metrics, traces and tool-call logs cost per request (`pnpm bench`).
 *
 * In process, no sockets, so the numbers are CPU time of this package alone:
 *   hono      app.request() of a fixed JSON answer, bare vs with mcpMetrics, vs with
 *             mcpMetrics + mcpTracing (no OpenTelemetry SDK registered: the API's no-op)
 *   tool      one tools/call through a server shaped like the SDK's McpServer (registerTool
 *             installs a tools/call handler), bare vs instrumentServer() without a logger,
 *             with a logger (JSON line to a null stream), and with an SDK registered
 *             (in-memory exporter: what tracing costs when it is on)
 * Rounds are interleaved and the median taken; compare differences within one run.
 */
import { Writable } from 'node:stream';
import { createLogger } from '@mcp-runway/logging';
import { Hono } from 'hono';
import { mcpMetrics, mcpTracing } from '../dist/hono/index.js';
import { createMetrics, instrumentServer } from '../dist/index.js';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const HONO_N = Number(process.env.HONO_N ?? 20_000);
const TOOL_N = Number(process.env.TOOL_N ?? 100_000);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timeIt(n, fn) {
  const started = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  return ((performance.now() - started) * 1000) / n; // µs per call
}

async function compare(label, n, variants) {
  const results = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (const fn of Object.values(variants)) await timeIt(Math.ceil(n / 5), fn); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(variants)) results[name].push(await timeIt(n, fn));
  }
  const [baseName] = Object.keys(variants);
  const base = median(results[baseName]);
  console.log(`\n${label}`);
  for (const [name, values] of Object.entries(results)) {
    const value = median(values);
    const delta = name === baseName ? '' : `  (+${(value - base).toFixed(2)} µs)`;
    console.log(`  ${name.padEnd(34)} ${value.toFixed(2).padStart(8)} µs${delta}`);
  }
}

// --- Hono middleware ---------------------------------------------------------------------
const metrics = createMetrics({ tools: ['echo'], processMetrics: false });
const facts = {
  method: 'tools/call',
  toolName: 'echo',
  id: 1,
  era: 'modern',
  protocolVersion: '2026-07-28',
  message: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } },
};
function honoApp(withMetrics, withTracing) {
  const app = new Hono();
  app.use(async (c, next) => {
    c.set('requestId', 'r-1');
    await next();
  });
  if (withMetrics) app.use('/mcp', mcpMetrics(metrics));
  app.post(
    '/mcp',
    async (c, next) => {
      c.set('mcp', facts);
      await next();
    },
    withTracing ? mcpTracing(metrics) : (_c, next) => next(),
    (c) => c.json({ jsonrpc: '2.0', id: 1, result: { content: [] } }),
  );
  return app;
}
const init = { method: 'POST', headers: { 'content-type': 'application/json' } };
const bare = honoApp(false, false);
const measured = honoApp(true, false);
const traced = honoApp(true, true);
await compare(`Hono app.request(), ${HONO_N} requests x ${ROUNDS} rounds`, HONO_N, {
  bare: () => bare.request('/mcp', init),
  '+ mcpMetrics': () => measured.request('/mcp', init),
  '+ mcpMetrics + mcpTracing (no SDK)': () => traced.request('/mcp', init),
});

// --- Tool calls ----------------------------------------------------------------------------
/** The McpServer mechanism in miniature: the first registerTool installs tools/call. */
function fakeServer() {
  const tools = new Map();
  const handlers = new Map();
  const inner = {
    setRequestHandler(method, handler) {
      handlers.set(method, handler);
    },
    getCapabilities: () => (tools.size ? { tools: {} } : {}),
  };
  return {
    server: inner,
    registerTool(name, _config, cb) {
      tools.set(name, cb);
      if (tools.size === 1) {
        inner.setRequestHandler('tools/call', async (request, ctx) => {
          const tool = tools.get(request.params.name);
          return tool(request.params.arguments, ctx);
        });
      }
    },
    call: (request, ctx) => handlers.get('tools/call')(request, ctx),
  };
}
const nullStream = new Writable({ write: (_chunk, _encoding, callback) => callback() });
const logger = createLogger({ name: 'bench', destination: nullStream });
function serverWith(instrument) {
  const server = fakeServer();
  if (instrument) instrument(server);
  server.registerTool('echo', {}, async ({ text }) => ({ content: [{ type: 'text', text }] }));
  return server;
}
const request = { method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } };
const ctx = {
  mcpReq: { id: 1 },
  http: { authInfo: { clientId: 'c', extra: { sub: 'alice' } }, req: new Request('http://x/') },
};
const plain = serverWith();
const counted = serverWith((server) => instrumentServer(server, metrics));
const logged = serverWith((server) => instrumentServer(server, metrics, { logger }));
const variants = {
  bare: () => plain.call(request, ctx),
  'instrumentServer (metrics, no SDK)': () => counted.call(request, ctx),
  '+ logger (one JSON line)': () => logged.call(request, ctx),
};
await compare(`tools/call handler, ${TOOL_N} calls x ${ROUNDS} rounds`, TOOL_N, variants);

// With an SDK registered, for comparison: what turning tracing on costs.
const { NodeTracerProvider, SimpleSpanProcessor, InMemorySpanExporter } = await import(
  '@opentelemetry/sdk-trace-node'
);
const exporter = new InMemorySpanExporter();
new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
setInterval(() => exporter.reset(), 100).unref();
await compare(`with an OpenTelemetry SDK registered (in-memory exporter)`, HONO_N, {
  'Hono bare': () => bare.request('/mcp', init),
  'Hono + mcpMetrics + mcpTracing': () => traced.request('/mcp', init),
});
await compare(`with an OpenTelemetry SDK registered (in-memory exporter)`, TOOL_N / 5, {
  'tools/call bare': () => plain.call(request, ctx),
  'tools/call instrumented (span)': () => counted.call(request, ctx),
});
