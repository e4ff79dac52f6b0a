/**
 * Observability against a running app: drive it with the SDK client through successful calls, a
 * failing tool, an auth failure and a rate-limited call, then scrape its private metrics
 * listener and check every counter and histogram moved by what was done. The tools are the
 * pipeline fixture server's (`echo` costs 1 point, `fail` 1, `slow` 5).
 */
import { readFileSync } from 'node:fs';
import { hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

const key = mintApiKey();
let app: RunningApp;
beforeAll(async () => {
  app = await startApp({
    AUTH_MODE: 'apikey',
    API_KEYS: `observer::${hashApiKey(key)}`,
    RATE_LIMIT_POINTS: '9',
    RATE_LIMIT_DURATION_S: '60',
  });
});
afterAll(() => app.close());

/** Parses the Prometheus text format into `name{labels}` -> value. */
async function scrape(): Promise<Map<string, number>> {
  const text = await (await fetch(app.metricsUrl)).text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match?.[1] && match[2]) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

function delta(before: Map<string, number>, after: Map<string, number>, sample: string): number {
  return (after.get(sample) ?? 0) - (before.get(sample) ?? 0);
}

describe('metrics of a running app', () => {
  let before: Map<string, number>;
  let after: Map<string, number>;
  beforeAll(async () => {
    before = await scrape();
    const client = new Client({ name: 'observer', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(app.mcpUrl, {
        requestInit: { headers: { authorization: `Bearer ${key}` } },
      }),
    );
    await client.callTool({ name: 'echo', arguments: { text: 'proxy' } });
    await client.callTool({ name: 'echo', arguments: { text: '' } });
    await client.callTool({ name: 'fail', arguments: {} });
    // A caller with a wrong key, refused with 401.
    const refused = new Client({ name: 'intruder', version: '1.0.0' });
    await expect(
      refused.connect(
        new StreamableHTTPClientTransport(app.mcpUrl, {
          requestInit: { headers: { authorization: `Bearer ${mintApiKey()}` } },
        }),
      ),
    ).rejects.toThrow();
    // The expensive slow tool (cost 5) no longer fits in what is left of 9 points.
    await client
      .callTool({ name: 'slow', arguments: { steps: 1, stepMs: 1 } })
      .catch(() => undefined);
    await client.close().catch(() => undefined);
    after = await scrape();
  });

  it('times tool calls as mcp.server.operation.duration, by tool and error type', () => {
    // Labels in the order the registry writes them.
    const calls = (tool: string, error = '') =>
      delta(
        before,
        after,
        `mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call",gen_ai_tool_name="${tool}",gen_ai_operation_name="execute_tool",${error}mcp_protocol_version="2025-11-25",network_transport="tcp",network_protocol_name="http"}`,
      );
    // `echo` with an empty text is still a valid call.
    expect(calls('echo')).toBe(2);
    expect(calls('fail', 'error_type="tool_error",')).toBe(1);
    // The rate-limited call never reached the tool: timed by the pipeline, its code the error.
    expect(calls('slow', 'error_type="-31429",rpc_response_status_code="-31429",')).toBe(1);
  });

  it('counts the auth failure and the rate-limited call', () => {
    expect(
      delta(before, after, 'mcp_auth_failures_total{reason="invalid"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(delta(before, after, 'mcp_rate_limited_total{limit="global"}')).toBe(1);
    expect(
      delta(before, after, 'mcp_http_responses_total{code_class="4xx"}'),
    ).toBeGreaterThanOrEqual(2);
  });

  it('counts requests by method, era and outcome, and leaves nothing in flight', () => {
    expect(
      delta(before, after, 'mcp_requests_total{method="tools/call",era="2025",outcome="ok"}'),
    ).toBe(3);
    expect(after.get('mcp_requests_in_flight')).toBe(0);
    expect(after.get('mcp_ready')).toBe(1);
  });

  it('logs one line per tool call, with its outcome and no secret', () => {
    const lines = app
      .logs()
      .split('\n')
      .filter((line) => line.includes('"tool":"fail"') && line.includes('"outcome":"tool_error"'));
    expect(lines).toHaveLength(1);
    expect(app.logs()).not.toContain(key);
  });

  it('exports every metric the dashboard and the alert rules query', async () => {
    // Every metric the endpoint declares (`# TYPE`): a labelled histogram such as
    // nodejs_gc_duration_seconds has no sample lines until its first observation (no GC yet).
    const text = await (await fetch(app.metricsUrl)).text();
    const exported = new Set<string>();
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      exported.add(name as string);
      if (type === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) exported.add(`${name}${suffix}`);
    }
    const infra = new URL('../../../infra/observability/', import.meta.url);
    const queries =
      readFileSync(new URL('alerts.yml', infra), 'utf8') +
      readFileSync(new URL('grafana/mcp-runway.json', infra), 'utf8');
    // Label names of the OpenTelemetry conventions that share the `mcp_` prefix are no metrics.
    const labels = new Set(['mcp_method_name', 'mcp_protocol_version']);
    const referenced = new Set(
      (queries.match(/\b(?:mcp|process|nodejs)_[a-z0-9_]+/g) ?? []).filter((n) => !labels.has(n)),
    );
    expect(referenced.size).toBeGreaterThan(10);
    for (const name of referenced) {
      // A histogram is exported as its _bucket, _sum and _count series.
      expect(exported.has(name) || exported.has(`${name}_bucket`), name).toBe(true);
    }
  });
});

describe('the metrics listener', () => {
  /** A GET with the Host a browser would send after DNS rebinding (fetch cannot set Host). */
  async function statusWithHost(host: string): Promise<number | undefined> {
    const { request } = await import('node:http');
    return new Promise((resolve, reject) => {
      const req = request(app.metricsUrl, { headers: { host } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject).end();
    });
  }

  it('refuses a Host that is not its own with 403, and answers its own names', async () => {
    const { port } = new URL(app.metricsUrl);
    expect(await statusWithHost(`rebind.attacker.example:${port}`)).toBe(403);
    expect(await statusWithHost(`localhost:${port}`)).toBe(200);
    expect(await statusWithHost(`127.0.0.1:${port}`)).toBe(200);
  });
});

describe('the public listener', () => {
  it('does not serve /metrics', async () => {
    const response = await fetch(`${app.url}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('mcp_requests_total');
  });
});
