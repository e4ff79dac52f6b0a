/**
 * Memory per idle session, and memory after churn, for the session registry (`pnpm bench`).
 *
 * Sessions are made in-process: `registry.handle()` with node:http request and response
 * objects (no sockets), each an `initialize` of the pipeline fixture server (five tools, from
 * @mcp-runway/testing, so the numbers do not move when the example's tools are replaced). Each
 * phase runs in its own process with --expose-gc, sampling RSS and heap after a full GC:
 *   live     10k idle sessions, each holding its McpServer and transport (dormancy off)
 *   dormant  10k idle sessions gone dormant (record only; rebuilt on their next request)
 *   churn    SESSION_MAX = 10k live sessions in a rolling window on a fake clock; steady
 *            state once the window has turned over once, then 100k more sessions pushed
 *            through idle eviction: RSS after vs at steady state.
 */
import { spawn } from 'node:child_process';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const SESSIONS = 10_000;
const CHURN = 100_000;
const KB = 1024;

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'bench', version: '1.0.0' },
  },
};

async function initializeOne(registry) {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = '/mcp';
  req.headers = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  };
  const res = new ServerResponse(req);
  await registry.handle(req, res, initialize, {});
  if (res.statusCode !== 200) throw new Error(`initialize answered ${res.statusCode}`);
}

function sample() {
  for (let i = 0; i < 4; i++) globalThis.gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

async function registryWith(options) {
  const { SessionRegistry } = await import('../dist/index.js');
  const { fixtureServerModule } = await import('@mcp-runway/testing/fixture-server');
  const clock = { now: 1_000_000 };
  const registry = new SessionRegistry({
    factory: fixtureServerModule.createServerFactory(),
    now: () => clock.now,
    sweepIntervalMs: 3_600_000,
    // Every session here has one (anonymous) caller: no share in the way of the count.
    maxSessionsPerPrincipal: Number.POSITIVE_INFINITY,
    ...options,
  });
  return { registry, clock };
}

async function idlePhase(dormant) {
  const { registry, clock } = await registryWith({
    maxSessions: SESSIONS + 1_000,
    idleTimeoutMs: 3_600_000,
    dormantAfterMs: dormant ? 1 : Number.POSITIVE_INFINITY,
  });
  const settle = () => {
    clock.now += 10;
    registry.sweep();
  };
  for (let i = 0; i < 500; i++) await initializeOne(registry);
  if (dormant) settle();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const before = sample();
  const started = performance.now();
  for (let i = 0; i < SESSIONS; i++) {
    await initializeOne(registry);
    // Dormant sessions hand back their server as soon as the sweep sees them idle.
    if (dormant && i % 500 === 499) settle();
  }
  if (dormant) settle();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const after = sample();
  const { active, live } = registry.stats;
  await registry.closeAll();
  return {
    sessions: SESSIONS,
    active,
    live,
    rssPerSessionKB: (after.rss - before.rss) / SESSIONS / KB,
    heapPerSessionKB: (after.heapUsed - before.heapUsed) / SESSIONS / KB,
    msPerInitialize: (performance.now() - started) / SESSIONS,
  };
}

async function churnPhase() {
  const idleTimeoutMs = 1_000;
  const { registry, clock } = await registryWith({
    maxSessions: SESSIONS,
    idleTimeoutMs,
    dormantAfterMs: Number.POSITIVE_INFINITY,
  });
  // Each initialize moves the clock on so that about 9,100 sessions are within the idle
  // timeout at any time; the sweep every 500 keeps the registry under SESSION_MAX.
  const step = idleTimeoutMs / (SESSIONS * 0.91);
  const make = async (count) => {
    for (let i = 0; i < count; i++) {
      clock.now += step;
      await initializeOne(registry);
      if (i % 500 === 499) registry.sweep();
    }
  };
  // Steady state: the window full, and turned over once (every session so far evicted once).
  await make(2 * SESSIONS);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const steady = { ...sample(), active: registry.stats.active };
  const started = performance.now();
  await make(CHURN);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const after = { ...sample(), active: registry.stats.active };
  const { evicted, refused, created } = registry.stats;
  await registry.closeAll();
  return {
    created,
    evicted,
    refused,
    steadyActive: steady.active,
    afterActive: after.active,
    steadyRssMB: steady.rss / KB / KB,
    afterRssMB: after.rss / KB / KB,
    rssChange: after.rss / steady.rss - 1,
    steadyHeapMB: steady.heapUsed / KB / KB,
    afterHeapMB: after.heapUsed / KB / KB,
    churnSeconds: (performance.now() - started) / 1000,
  };
}

function runPhase(phase) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), phase], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${phase} exited ${code}`)),
    );
  });
}

const phase = process.argv[2];
if (phase) {
  const result = phase === 'churn' ? await churnPhase() : await idlePhase(phase === 'dormant');
  process.stdout.write(JSON.stringify(result));
} else {
  const started = performance.now();
  // The churn runs beside the two idle phases (separate processes: memory is per process).
  const [churn, live, dormant] = await Promise.all([
    runPhase('churn'),
    runPhase('live').then(async (live) => [live, await runPhase('dormant')]),
  ]).then(([churn, [live, dormant]]) => [churn, live, dormant]);
  const f = (n, digits = 1) => n.toFixed(digits);
  console.log(`idle sessions (${SESSIONS.toLocaleString('en')} initialize-only, fixture server):`);
  console.log(
    `  live     ${f(live.rssPerSessionKB)} KB RSS, ${f(live.heapPerSessionKB)} KB heap per session ` +
      `(${live.live} live; ${f(live.msPerInitialize, 2)} ms per initialize)`,
  );
  console.log(
    `  dormant  ${f(dormant.rssPerSessionKB)} KB RSS, ${f(dormant.heapPerSessionKB)} KB heap per session ` +
      `(${dormant.active} held, ${dormant.live} live)`,
  );
  console.log(
    `churn (SESSION_MAX ${SESSIONS.toLocaleString('en')}, ${CHURN.toLocaleString('en')} more through idle eviction, ${f(churn.churnSeconds)} s):`,
  );
  console.log(
    `  steady state ${f(churn.steadyRssMB)} MB RSS / ${f(churn.steadyHeapMB)} MB heap (${churn.steadyActive} sessions); ` +
      `after churn ${f(churn.afterRssMB)} MB RSS / ${f(churn.afterHeapMB)} MB heap (${churn.afterActive} sessions)`,
  );
  console.log(
    `  RSS ${churn.rssChange >= 0 ? '+' : ''}${f(churn.rssChange * 100)}% after churn; ` +
      `${churn.created} created, ${churn.evicted} evicted, ${churn.refused} refused`,
  );
  console.log(`total ${f((performance.now() - started) / 1000)} s`);
}
