import { describe, expect, it } from 'vitest';
import { eraLabel, methodLabel, requestOutcome, statusClass } from './labels.js';
import { createMetrics } from './metrics.js';
import type { SessionStatsLike } from './sources.js';
import { sample, scrape, total } from './test/scrape.js';

const quiet = { processMetrics: false } as const;

function finish(
  metrics: ReturnType<typeof createMetrics>,
  request: {
    method: string | undefined;
    status?: number;
    era?: 'modern' | 'legacy';
    parsed?: boolean;
  },
) {
  metrics.requestFinished({
    startedAt: metrics.requestStarted(),
    status: request.status ?? 200,
    method: request.method,
    parsed: request.parsed ?? true,
    era: request.era ?? 'modern',
  });
}

describe('labels', () => {
  it('keeps spec methods and collapses everything else to a fixed few values', () => {
    expect(methodLabel('tools/call', true)).toBe('tools/call');
    expect(methodLabel('server/discover', true)).toBe('server/discover');
    expect(methodLabel('tools/call-me-maybe', true)).toBe('other');
    expect(methodLabel(undefined, true)).toBe('response');
    expect(methodLabel(undefined, false)).toBe('unknown');
  });

  it('names eras by year, from the message or else the protocol version header', () => {
    expect(eraLabel('modern')).toBe('2026');
    expect(eraLabel('legacy')).toBe('2025');
    expect(eraLabel(undefined, '2026-07-28')).toBe('2026');
    expect(eraLabel(undefined, '2025-06-18')).toBe('2025');
    expect(eraLabel(undefined, 'zzzz')).toBe('unknown');
    expect(eraLabel(undefined)).toBe('unknown');
  });

  it('derives the outcome and status class from the status', () => {
    expect([200, 202, 400, 401, 429, 500, 503].map(requestOutcome)).toEqual([
      'ok',
      'ok',
      'rejected',
      'rejected',
      'rejected',
      'error',
      'error',
    ]);
    expect([101, 204, 302, 404, 502].map(statusClass)).toEqual(['1xx', '2xx', '3xx', '4xx', '5xx']);
  });
});

describe('createMetrics', () => {
  it('counts requests by method, era and outcome, responses by class, and times operations', async () => {
    const metrics = createMetrics(quiet);
    finish(metrics, { method: 'tools/call' });
    finish(metrics, { method: 'tools/call' });
    finish(metrics, { method: 'tools/list', era: 'legacy' });
    finish(metrics, { method: 'tools/call', status: 500 });
    finish(metrics, { method: undefined, parsed: false, status: 401 });
    finish(metrics, { method: 'initialize', era: 'legacy' });
    finish(metrics, { method: 'initialize', era: 'legacy', status: 503 });
    const samples = await scrape(metrics.registry);

    const requests = (method: string, era: string, outcome: string) =>
      sample(samples, 'mcp_requests_total', { method, era, outcome });
    expect(requests('tools/call', '2026', 'ok')).toBe(2);
    expect(requests('tools/call', '2026', 'error')).toBe(1);
    expect(requests('tools/list', '2025', 'ok')).toBe(1);
    // A request refused before parsing still has an era (here: none given) and a method label.
    expect(
      sample(samples, 'mcp_requests_total', {
        method: 'unknown',
        era: '2026',
        outcome: 'rejected',
      }),
    ).toBe(1);
    expect(sample(samples, 'mcp_http_responses_total', { code_class: '2xx' })).toBe(4);
    expect(sample(samples, 'mcp_http_responses_total', { code_class: '4xx' })).toBe(1);
    expect(sample(samples, 'mcp_http_responses_total', { code_class: '5xx' })).toBe(2);
    expect(sample(samples, 'mcp_http_responses_total', { code_class: '3xx' })).toBe(0);
    expect(sample(samples, 'mcp_initialize_total', { outcome: 'ok' })).toBe(1);
    expect(sample(samples, 'mcp_initialize_total', { outcome: 'error' })).toBe(1);
    expect(sample(samples, 'mcp_initialize_total', { outcome: 'rejected' })).toBe(0);
    // Operations: a tools/call is timed around the tool (toolCall), unless it failed before
    // reaching it (the 500); a request with no method is no MCP operation.
    const operations = (labels: Record<string, string>) =>
      total(samples, 'mcp_server_operation_duration_seconds_count', labels);
    expect(operations({ mcp_method_name: 'tools/call' })).toBe(1);
    expect(operations({ mcp_method_name: 'tools/call', error_type: '500' })).toBe(1);
    expect(operations({ mcp_method_name: 'tools/list' })).toBe(1);
    expect(operations({ mcp_method_name: 'initialize' })).toBe(2);
    expect(operations({ mcp_method_name: 'initialize', error_type: '503' })).toBe(1);
    expect(operations({})).toBe(4);
    expect(
      sample(samples, 'mcp_server_operation_duration_seconds_count', {
        mcp_method_name: 'tools/list',
        network_protocol_name: 'http',
        network_transport: 'tcp',
      }),
    ).toBe(1);
    expect(sample(samples, 'mcp_requests_in_flight')).toBe(0);
  });

  it('counts a request in flight until it finishes', async () => {
    const metrics = createMetrics(quiet);
    const startedAt = metrics.requestStarted();
    expect(sample(await scrape(metrics.registry), 'mcp_requests_in_flight')).toBe(1);
    metrics.requestFinished({ startedAt, status: 200, method: 'ping', parsed: true });
    expect(sample(await scrape(metrics.registry), 'mcp_requests_in_flight')).toBe(0);
  });

  it('never makes a series from a name a client chose', async () => {
    const metrics = createMetrics({ ...quiet, tools: ['search_notes'] });
    for (let i = 0; i < 50; i++) {
      finish(metrics, { method: `made/up/${i}` });
      metrics.toolCall({ tool: `tool_${i}`, outcome: 'protocol_error', seconds: 0.001 });
    }
    const samples = await scrape(metrics.registry);
    const keys = [...samples.keys()];
    expect(keys.filter((key) => /="made\/up|="tool_/.test(key))).toEqual([]);
    expect(
      sample(samples, 'mcp_requests_total', { method: 'other', era: '2026', outcome: 'ok' }),
    ).toBe(50);
    expect(
      total(samples, 'mcp_server_operation_duration_seconds_count', { mcp_method_name: '_OTHER' }),
    ).toBe(50);
    expect(
      total(samples, 'mcp_server_operation_duration_seconds_count', {
        gen_ai_tool_name: '_OTHER',
        error_type: '_OTHER',
      }),
    ).toBe(50);
  });

  it("exports declared tools at zero before their first call, and times calls in the conventions' buckets", async () => {
    const metrics = createMetrics({ ...quiet, tools: ['search_notes', 'long_job'] });
    const name = 'mcp_server_operation_duration_seconds';
    const declared = {
      gen_ai_operation_name: 'execute_tool',
      gen_ai_tool_name: 'long_job',
      mcp_method_name: 'tools/call',
      network_protocol_name: 'http',
      network_transport: 'tcp',
    };
    let samples = await scrape(metrics.registry);
    expect(sample(samples, `${name}_count`, declared)).toBe(0);

    const v = '2026-07-28';
    metrics.toolCall({ tool: 'long_job', outcome: 'ok', seconds: 0.004, protocolVersion: v });
    metrics.toolCall({ tool: 'long_job', outcome: 'ok', seconds: 0.3, protocolVersion: v });
    metrics.toolCall({ tool: 'long_job', outcome: 'tool_error', seconds: 7, protocolVersion: v });
    metrics.toolCall({
      tool: 'long_job',
      outcome: 'protocol_error',
      seconds: 0.001,
      error: { code: -32602 },
      transport: 'pipe',
    });
    samples = await scrape(metrics.registry);
    const ok = { ...declared, mcp_protocol_version: v };
    const bucket = (le: string) => sample(samples, `${name}_bucket`, { ...ok, le });
    expect([
      bucket('0.01'),
      bucket('0.2'),
      bucket('0.5'),
      bucket('5'),
      bucket('10'),
      bucket('300'),
      bucket('+Inf'),
    ]).toEqual([1, 1, 2, 2, 2, 2, 2]);
    expect(sample(samples, `${name}_sum`, ok)).toBeCloseTo(0.304);
    const toolError = { ...ok, error_type: 'tool_error' };
    expect(sample(samples, `${name}_bucket`, { ...toolError, le: '10' })).toBe(1);
    // stdio: a pipe, no HTTP; the thrown JSON-RPC code is both error.type and the status code.
    expect(
      sample(samples, `${name}_count`, {
        error_type: '-32602',
        gen_ai_operation_name: 'execute_tool',
        gen_ai_tool_name: 'long_job',
        mcp_method_name: 'tools/call',
        network_transport: 'pipe',
        rpc_response_status_code: '-32602',
      }),
    ).toBe(1);
  });

  it("labels prompts/get with a declared prompt's name, any other with _OTHER", async () => {
    const metrics = createMetrics(quiet);
    metrics.declarePrompt('triage');
    for (const name of ['triage', 'made_up_prompt']) {
      metrics.requestFinished({
        startedAt: metrics.requestStarted(),
        status: 200,
        method: 'prompts/get',
        parsed: true,
        era: 'modern',
        toolName: name,
      });
    }
    const samples = await scrape(metrics.registry);
    const count = (prompt: string) =>
      total(samples, 'mcp_server_operation_duration_seconds_count', {
        mcp_method_name: 'prompts/get',
        gen_ai_prompt_name: prompt,
      });
    expect([count('triage'), count('_OTHER')]).toEqual([1, 1]);
    expect([...samples.keys()].join()).not.toContain('made_up_prompt');
  });

  it("records a 2025 session's lifetime when it ends", async () => {
    const metrics = createMetrics(quiet);
    metrics.sessionEnded({ seconds: 42, protocolVersion: '2025-11-25', transport: 'tcp' });
    metrics.sessionEnded({ seconds: 7, protocolVersion: 'not-a-version', transport: 'tcp' });
    const samples = await scrape(metrics.registry);
    const session = {
      mcp_protocol_version: '2025-11-25',
      network_protocol_name: 'http',
      network_transport: 'tcp',
    };
    expect(
      sample(samples, 'mcp_server_session_duration_seconds_bucket', { ...session, le: '30' }),
    ).toBe(0);
    expect(
      sample(samples, 'mcp_server_session_duration_seconds_bucket', { ...session, le: '60' }),
    ).toBe(1);
    expect(
      total(samples, 'mcp_server_session_duration_seconds_count', {
        mcp_protocol_version: '_OTHER',
      }),
    ).toBe(1);
  });

  it('counts auth failures, rate-limit refusals and Redis errors from closed lists', async () => {
    const metrics = createMetrics(quiet);
    metrics.authFailure('missing');
    metrics.authFailure('insufficient_scope');
    metrics.authFailure('something else' as never);
    metrics.rateLimited('tool');
    metrics.rateLimited('global');
    metrics.rateLimited('global');
    metrics.redisError('sessions');
    metrics.redisError('event_bus');
    metrics.redisError('my-cache' as never);
    const samples = await scrape(metrics.registry);
    expect(sample(samples, 'mcp_auth_failures_total', { reason: 'missing' })).toBe(1);
    expect(sample(samples, 'mcp_auth_failures_total', { reason: 'insufficient_scope' })).toBe(1);
    expect(sample(samples, 'mcp_auth_failures_total', { reason: 'other' })).toBe(1);
    expect(sample(samples, 'mcp_auth_failures_total', { reason: 'invalid' })).toBe(0);
    expect(sample(samples, 'mcp_rate_limited_total', { limit: 'global' })).toBe(2);
    expect(sample(samples, 'mcp_rate_limited_total', { limit: 'tool' })).toBe(1);
    expect(sample(samples, 'mcp_redis_errors_total', { component: 'sessions' })).toBe(1);
    expect(sample(samples, 'mcp_redis_errors_total', { component: 'event_bus' })).toBe(1);
    expect(sample(samples, 'mcp_redis_errors_total', { component: 'other' })).toBe(1);
  });

  it('includes the Node.js process metrics unless asked not to', async () => {
    const withProcess = await scrape(createMetrics().registry);
    expect(withProcess.has('process_cpu_seconds_total')).toBe(true);
    expect(withProcess.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
    const without = await scrape(createMetrics(quiet).registry);
    expect(without.has('process_cpu_seconds_total')).toBe(false);
  });

  it('gives each call its own registry, so two apps in one process do not collide', async () => {
    const a = createMetrics(quiet);
    const b = createMetrics(quiet);
    a.rateLimited('global');
    expect(sample(await scrape(b.registry), 'mcp_rate_limited_total', { limit: 'global' })).toBe(0);
  });
});

describe('watched sources', () => {
  function sessionStats(overrides: Partial<SessionStatsLike> = {}): SessionStatsLike {
    return {
      active: 0,
      live: 0,
      inUse: 0,
      created: 0,
      adopted: 0,
      woken: 0,
      dormant: 0,
      evicted: 0,
      expired: 0,
      deleted: 0,
      closed: 0,
      gone: 0,
      refused: 0,
      ownerMismatch: 0,
      ...overrides,
    };
  }

  it('reads session stats only when scraped, as gauges and monotonic counters', async () => {
    const metrics = createMetrics(quiet);
    let reads = 0;
    let stats = sessionStats({ active: 3, live: 2, inUse: 1, created: 5, evicted: 1, expired: 1 });
    const registry = {
      get stats() {
        reads++;
        return stats;
      },
    };
    const unwatch = metrics.watchSessions(registry, { max: 10 });
    expect(reads).toBe(0);

    let samples = await scrape(metrics.registry);
    expect(reads).toBeGreaterThan(0);
    expect(sample(samples, 'mcp_sessions_active')).toBe(3);
    expect(sample(samples, 'mcp_sessions_live')).toBe(2);
    expect(sample(samples, 'mcp_sessions_in_use')).toBe(1);
    expect(sample(samples, 'mcp_sessions_max')).toBe(10);
    expect(sample(samples, 'mcp_sessions_created_total')).toBe(5);
    expect(sample(samples, 'mcp_sessions_ended_total', { reason: 'evicted' })).toBe(1);
    expect(sample(samples, 'mcp_sessions_ended_total', { reason: 'expired' })).toBe(1);
    expect(sample(samples, 'mcp_sessions_ended_total', { reason: 'deleted' })).toBe(0);

    stats = sessionStats({ active: 1, created: 7, evicted: 3, expired: 1, refused: 2, woken: 4 });
    samples = await scrape(metrics.registry);
    expect(sample(samples, 'mcp_sessions_active')).toBe(1);
    expect(sample(samples, 'mcp_sessions_created_total')).toBe(7);
    expect(sample(samples, 'mcp_sessions_ended_total', { reason: 'evicted' })).toBe(3);
    expect(sample(samples, 'mcp_sessions_refused_total')).toBe(2);
    expect(sample(samples, 'mcp_sessions_lifecycle_total', { event: 'woken' })).toBe(4);

    // Unwatched: gauges drop to 0, counters keep what they counted (counters never go down).
    unwatch();
    samples = await scrape(metrics.registry);
    expect(sample(samples, 'mcp_sessions_active')).toBe(0);
    expect(sample(samples, 'mcp_sessions_max')).toBe(0);
    expect(sample(samples, 'mcp_sessions_created_total')).toBe(7);

    // Watched again, and a second registry: each counts on from where it was.
    metrics.watchSessions(registry);
    metrics.watchSessions({ stats: sessionStats({ created: 2 }) });
    samples = await scrape(metrics.registry);
    expect(sample(samples, 'mcp_sessions_created_total')).toBe(9);
    stats = sessionStats({ created: 8 });
    samples = await scrape(metrics.registry);
    expect(sample(samples, 'mcp_sessions_created_total')).toBe(10);
  });

  it("adds the rate limiter's Redis fallbacks to the Redis errors, and shows it degraded", async () => {
    const metrics = createMetrics(quiet);
    const limiter = { stats: { redisErrors: 0, degraded: false } };
    metrics.watchRateLimiter(limiter);
    metrics.redisError('sessions');
    let samples = await scrape(metrics.registry);
    expect(sample(samples, 'mcp_redis_errors_total', { component: 'rate_limit' })).toBe(0);
    expect(sample(samples, 'mcp_rate_limit_degraded')).toBe(0);

    limiter.stats = { redisErrors: 4, degraded: true };
    samples = await scrape(metrics.registry);
    expect(sample(samples, 'mcp_redis_errors_total', { component: 'rate_limit' })).toBe(4);
    expect(sample(samples, 'mcp_redis_errors_total', { component: 'sessions' })).toBe(1);
    expect(sample(samples, 'mcp_rate_limit_degraded')).toBe(1);
  });

  it("shows each Redis circuit's state, and counts its transitions and refused calls", async () => {
    const metrics = createMetrics(quiet);
    let samples = await scrape(metrics.registry);
    // Nothing watched: every state at 0, the series there from the first scrape.
    expect(sample(samples, 'mcp_redis_circuit_state', { state: 'closed' })).toBe(0);
    expect(sample(samples, 'mcp_redis_circuit_transitions_total', { to: 'open' })).toBe(0);

    const circuit = {
      stats: {
        state: 'closed' as 'closed' | 'open' | 'half-open',
        transitions: { closed: 0, open: 0, 'half-open': 0 },
        rejected: 0,
      },
    };
    const unwatch = metrics.watchRedisCircuit(circuit);
    samples = await scrape(metrics.registry);
    expect(sample(samples, 'mcp_redis_circuit_state', { state: 'closed' })).toBe(1);
    expect(sample(samples, 'mcp_redis_circuit_state', { state: 'open' })).toBe(0);

    circuit.stats = {
      state: 'open',
      transitions: { closed: 0, open: 3, 'half-open': 2 },
      rejected: 40,
    };
    samples = await scrape(metrics.registry);
    expect(sample(samples, 'mcp_redis_circuit_state', { state: 'open' })).toBe(1);
    expect(sample(samples, 'mcp_redis_circuit_state', { state: 'closed' })).toBe(0);
    expect(sample(samples, 'mcp_redis_circuit_transitions_total', { to: 'open' })).toBe(3);
    expect(sample(samples, 'mcp_redis_circuit_transitions_total', { to: 'half-open' })).toBe(2);
    expect(sample(samples, 'mcp_redis_circuit_rejected_total')).toBe(40);

    // Unwatched: no circuit in any state; the counters keep what they counted.
    unwatch();
    samples = await scrape(metrics.registry);
    expect(sample(samples, 'mcp_redis_circuit_state', { state: 'open' })).toBe(0);
    expect(sample(samples, 'mcp_redis_circuit_rejected_total')).toBe(40);
  });

  it('exports readiness as 1 or 0, a failing check counting as not ready', async () => {
    const metrics = createMetrics(quiet);
    let ready = true;
    metrics.watchReadiness(async () => ready);
    expect(sample(await scrape(metrics.registry), 'mcp_ready')).toBe(1);
    ready = false;
    expect(sample(await scrape(metrics.registry), 'mcp_ready')).toBe(0);
    ready = true;
    metrics.watchReadiness(() => {
      throw new Error('redis down');
    });
    expect(sample(await scrape(metrics.registry), 'mcp_ready')).toBe(0);
  });
});
