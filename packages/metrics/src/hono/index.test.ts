import {
  ForbiddenError,
  RateLimitedError,
  toErrorResponse,
  UnauthorizedError,
} from '@mcp-runway/errors';
import { Hono, type MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { describe, expect, it } from 'vitest';
import { instrumentServer } from '../instrument.js';
import { createMetrics, type McpMetrics } from '../metrics.js';
import { exampleServer } from '../test/fake-server.js';
import { moved, type Samples, scrape } from '../test/scrape.js';
import {
  type McpFacts,
  type McpMetricsOptions,
  mcpMetrics,
  mcpTracing,
  metricsEndpoint,
} from './index.js';

type Env = { Variables: { requestId: string; mcp: McpFacts | undefined } };

const RESOURCE_METADATA =
  'resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource"';

/**
 * The pipeline in miniature, in the order the real one runs: request id, metrics, auth (401
 * before the body is read), body parse, tracing, scopes (403), rate limit (429), then the
 * "SDK": the instrumented server's tools/call, answering unknown tools in-band like the SDK.
 */
function createApp(
  metrics: McpMetrics,
  options: McpMetricsOptions = {},
  logger?: ReturnType<typeof lines>,
) {
  const server = exampleServer((s) => instrumentServer(s, metrics, logger ? { logger } : {}), {
    slowMs: 1,
  });
  const app = new Hono<Env>();
  app.onError((error, c) => {
    const { httpStatus, headers, body } = toErrorResponse(error, c.get('mcp')?.id ?? null);
    return c.json(body, httpStatus as ContentfulStatusCode, { ...headers });
  });
  app.use(async (c, next) => {
    c.set('requestId', c.req.header('x-request-id') ?? 'generated-request-id');
    await next();
  });
  app.use('/mcp', mcpMetrics(metrics, options));

  const authenticate: MiddlewareHandler<Env> = async (c, next) => {
    const authorization = c.req.header('authorization');
    if (!authorization) {
      throw new UnauthorizedError('Unauthorized: credentials required', {
        headers: { 'WWW-Authenticate': `Bearer ${RESOURCE_METADATA}` },
      });
    }
    if (!authorization.startsWith('Bearer good')) {
      throw new UnauthorizedError('Unauthorized: token expired', {
        headers: { 'WWW-Authenticate': `Bearer error="invalid_token", ${RESOURCE_METADATA}` },
      });
    }
    await next();
  };
  const parse: MiddlewareHandler<Env> = async (c, next) => {
    const message = (await c.req.json()) as {
      id: number;
      method: string;
      params: { name: string };
    };
    c.set('mcp', {
      method: message.method,
      toolName: message.params.name,
      id: message.id,
      era: 'modern',
      message,
    });
    await next();
  };
  const scopes: MiddlewareHandler<Env> = async (c, next) => {
    if (
      c.get('mcp')?.toolName === 'delete_note' &&
      !c.req.header('authorization')?.includes('write')
    ) {
      throw new ForbiddenError('Forbidden: this call needs scope notes:write', {
        headers: { 'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="notes:write"' },
      });
    }
    await next();
  };
  const rateLimit: MiddlewareHandler<Env> = async (c, next) => {
    // `1`: the budget's refusal; any other value names the limit that refused.
    const over = c.req.header('x-test-over-limit');
    if (over) throw new RateLimitedError(30, over === '1' ? {} : { limit: over });
    await next();
  };

  app.post('/mcp', authenticate, parse, mcpTracing(metrics), scopes, rateLimit, async (c) => {
    const mcp = c.get('mcp') as McpFacts;
    const authInfo = { token: 'good', clientId: 'app', extra: { sub: 'alice' } };
    try {
      const result = await server.call(mcp.toolName ?? '', { http: { authInfo, req: c.req.raw } });
      return c.json({ jsonrpc: '2.0', id: mcp.id, result });
    } catch (error) {
      const code = (error as { code: number }).code;
      return c.json({ jsonrpc: '2.0', id: mcp.id, error: { code, message: String(error) } });
    }
  });
  return app;
}

function lines() {
  const written: Record<string, unknown>[] = [];
  const write = (obj: object) => written.push({ ...obj });
  return { written, info: write, warn: write };
}

function call(app: Hono<Env>, tool: string, headers: Record<string, string> = {}) {
  return app.request('/mcp', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      authorization: 'Bearer good',
      ...headers,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool } }),
  });
}

/** Runs `action`, then returns every series that moved, as `name{labels}` -> delta. */
async function movedBy(
  metrics: McpMetrics,
  action: () => unknown,
): Promise<Record<string, number>> {
  const before: Samples = await scrape(metrics.registry);
  await action();
  const deltas = moved(before, await scrape(metrics.registry));
  // Durations move by fractions of a second; their count is what the tests check.
  return Object.fromEntries(
    [...deltas].filter(([key]) => !/_bucket|_sum|process_|nodejs_/.test(key)),
  );
}

describe('mcpMetrics and the instrumented server (Hono)', () => {
  it('a successful tool call: one ok request, a 2xx, one operation timed around the tool', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const app = createApp(metrics);
    const deltas = await movedBy(metrics, async () => {
      expect((await call(app, 'search_notes')).status).toBe(200);
    });
    expect(deltas).toEqual({
      'mcp_requests_total{era="2026",method="tools/call",outcome="ok"}': 1,
      'mcp_http_responses_total{code_class="2xx"}': 1,
      'mcp_server_operation_duration_seconds_count{gen_ai_operation_name="execute_tool",gen_ai_tool_name="search_notes",mcp_method_name="tools/call",mcp_protocol_version="2026-07-28",network_protocol_name="http",network_transport="tcp"}': 1,
    });
  });

  it('a failing tool: the request is ok (200), the operation a tool_error', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const app = createApp(metrics);
    const deltas = await movedBy(metrics, async () => {
      const response = await call(app, 'archive_note');
      expect(await response.json()).toMatchObject({ result: { isError: true } });
    });
    expect(deltas).toEqual({
      'mcp_requests_total{era="2026",method="tools/call",outcome="ok"}': 1,
      'mcp_http_responses_total{code_class="2xx"}': 1,
      'mcp_server_operation_duration_seconds_count{error_type="tool_error",gen_ai_operation_name="execute_tool",gen_ai_tool_name="archive_note",mcp_method_name="tools/call",mcp_protocol_version="2026-07-28",network_protocol_name="http",network_transport="tcp"}': 1,
    });
  });

  it('an unknown tool: its JSON-RPC code under `_OTHER`, its name never a label', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const app = createApp(metrics);
    const deltas = await movedBy(metrics, () => call(app, 'rm_rf_everything'));
    expect(
      deltas[
        'mcp_server_operation_duration_seconds_count{error_type="-32602",gen_ai_operation_name="execute_tool",gen_ai_tool_name="_OTHER",mcp_method_name="tools/call",mcp_protocol_version="2026-07-28",network_protocol_name="http",network_transport="tcp",rpc_response_status_code="-32602"}'
      ],
    ).toBe(1);
    expect(Object.keys(deltas).join()).not.toContain('rm_rf');
  });

  it('a request without credentials: 401 before parsing, still counted by method and era', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const app = createApp(metrics);
    const deltas = await movedBy(metrics, async () => {
      expect((await call(app, 'search_notes', { authorization: '' })).status).toBe(401);
    });
    expect(deltas).toEqual({
      'mcp_requests_total{era="2026",method="tools/call",outcome="rejected"}': 1,
      'mcp_http_responses_total{code_class="4xx"}': 1,
      'mcp_auth_failures_total{reason="missing"}': 1,
      // Refused before the tool: timed here, its method and tool from the Mcp-* headers.
      'mcp_server_operation_duration_seconds_count{error_type="-31401",gen_ai_operation_name="execute_tool",gen_ai_tool_name="_OTHER",mcp_method_name="tools/call",mcp_protocol_version="2026-07-28",network_protocol_name="http",network_transport="tcp",rpc_response_status_code="-31401"}': 1,
    });
  });

  it('auth failures by reason: invalid token (401) and insufficient scope (403)', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const app = createApp(metrics);
    const deltas = await movedBy(metrics, async () => {
      expect((await call(app, 'search_notes', { authorization: 'Bearer expired' })).status).toBe(
        401,
      );
      expect((await call(app, 'delete_note')).status).toBe(403);
    });
    expect(deltas['mcp_auth_failures_total{reason="invalid"}']).toBe(1);
    expect(deltas['mcp_auth_failures_total{reason="insufficient_scope"}']).toBe(1);
    expect(deltas['mcp_requests_total{era="2026",method="tools/call",outcome="rejected"}']).toBe(2);
    expect(Object.keys(deltas).filter((key) => key.includes('error_type="tool_error"'))).toEqual(
      [],
    );
  });

  it('a rate-limited call: 429, counted against the global budget unless told otherwise', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const deltas = await movedBy(metrics, async () => {
      const response = await call(createApp(metrics), 'search_notes', {
        'x-test-over-limit': '1',
      });
      expect(response.status).toBe(429);
    });
    expect(deltas).toEqual({
      'mcp_requests_total{era="2026",method="tools/call",outcome="rejected"}': 1,
      'mcp_http_responses_total{code_class="4xx"}': 1,
      'mcp_rate_limited_total{limit="global"}': 1,
      'mcp_server_operation_duration_seconds_count{error_type="-31429",gen_ai_operation_name="execute_tool",gen_ai_tool_name="search_notes",mcp_method_name="tools/call",mcp_protocol_version="2026-07-28",network_protocol_name="http",network_transport="tcp",rpc_response_status_code="-31429"}': 1,
    });

    const scoped = createApp(metrics, { rateLimitScope: () => 'tool' });
    const toolDeltas = await movedBy(metrics, () =>
      call(scoped, 'long_job', { 'x-test-over-limit': '1' }),
    );
    expect(toolDeltas['mcp_rate_limited_total{limit="tool"}']).toBe(1);
  });

  it('counts a refusal under the limit it names: concurrency, failed authentication', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const app = createApp(metrics, { rateLimitScope: () => 'tool' });
    const deltas = await movedBy(metrics, async () => {
      for (const limit of ['concurrent_calls', 'total_streams', 'auth_failures', 'made_up']) {
        expect((await call(app, 'long_job', { 'x-test-over-limit': limit })).status).toBe(429);
      }
    });
    expect(deltas).toMatchObject({
      'mcp_rate_limited_total{limit="concurrent_calls"}': 1,
      'mcp_rate_limited_total{limit="total_streams"}': 1,
      'mcp_rate_limited_total{limit="auth_failures"}': 1,
      // A name outside the closed list is not a new series: the configured scope answers.
      'mcp_rate_limited_total{limit="tool"}': 1,
    });
  });

  it("hands the pipeline's request id to the tool-call log line", async () => {
    const metrics = createMetrics({ processMetrics: false });
    const log = lines();
    await call(createApp(metrics, {}, log), 'search_notes');
    expect(log.written).toEqual([
      expect.objectContaining({ requestId: 'generated-request-id', principal: 'alice' }),
    ]);
  });
});

describe('metricsEndpoint (Hono)', () => {
  function metricsApp() {
    const metrics = createMetrics({ processMetrics: false });
    const app = new Hono();
    app.get('/metrics', metricsEndpoint({ registry: metrics.registry, token: 'scrape-me' }));
    return app;
  }

  it('refuses a scrape without the token, or with another one', async () => {
    const app = metricsApp();
    for (const authorization of [
      undefined,
      'Bearer wrong',
      'Basic c2NyYXBlLW1l',
      'Bearer scrape-me-too',
    ]) {
      const response = await app.request(
        '/metrics',
        authorization ? { headers: { authorization } } : {},
      );
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await response.text()).not.toContain('mcp_');
    }
  });

  it('serves the exposition text with the token', async () => {
    const response = await metricsApp().request('/metrics', {
      headers: { authorization: 'Bearer scrape-me' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toContain('# TYPE mcp_requests_total counter');
  });

  it('cannot be mounted without a token', () => {
    const { registry } = createMetrics({ processMetrics: false });
    expect(() => metricsEndpoint({ registry, token: '' })).toThrow(/must not be empty/);
  });
});
