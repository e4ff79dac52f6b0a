/**
 * OpenTelemetry export, for real: the app runs with `startTelemetry` pointed at an OTLP/HTTP
 * receiver in this test (node:http on a port the OS picks). The official exporters send OTLP's
 * JSON encoding (`@opentelemetry/exporter-trace-otlp-http` and `-metrics-otlp-http` serialise
 * with `@opentelemetry/otlp-transformer`'s JSON serializers); the receiver decodes each body
 * with JSON.parse into the OTLP/JSON shapes below, and the tests read spans and metrics from
 * that, as a collector would: names, attributes and parentage per the MCP semantic conventions.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { startTelemetry, type Telemetry } from '@mcp-runway/metrics/otel';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

// --- OTLP/JSON, as much of it as the assertions read ---------------------------------------
interface AnyValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
}
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: KeyValue[];
  links?: { traceId: string; spanId: string }[];
  status?: { code?: number; message?: string };
}
interface TracesRequest {
  resourceSpans: { resource?: { attributes?: KeyValue[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}
interface HistogramPoint {
  attributes?: KeyValue[];
  count: number | string;
  explicitBounds?: number[];
}
interface MetricsRequest {
  resourceMetrics: {
    scopeMetrics: {
      metrics: { name: string; unit?: string; histogram?: { dataPoints: HistogramPoint[] } }[];
    }[];
  }[];
}

function attributesOf(list: KeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    const v = value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue;
    if (v !== undefined) out[key] = typeof v === 'string' && key.endsWith('.port') ? Number(v) : v;
  }
  return out;
}

/** The OTLP/HTTP receiver: keeps every decoded export, by signal. */
async function receiver() {
  const traces: TracesRequest[] = [];
  const metricExports: MetricsRequest[] = [];
  const contentTypes = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      contentTypes.add(String(req.headers['content-type']));
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (req.url === '/v1/traces') traces.push(body);
      else if (req.url === '/v1/metrics') metricExports.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    contentTypes,
    spans: () =>
      traces.flatMap((t) => t.resourceSpans.flatMap((r) => r.scopeSpans)).flatMap((s) => s.spans),
    resources: () =>
      traces.flatMap((t) => t.resourceSpans.map((r) => attributesOf(r.resource?.attributes))),
    histogram: (name: string) =>
      metricExports
        .flatMap((m) => m.resourceMetrics.flatMap((r) => r.scopeMetrics))
        .flatMap((s) => s.metrics)
        .filter((metric) => metric.name === name),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

// --- W3C trace context the clients send ------------------------------------------------------
const HTTP_TRACE = '0af7651916cd43dd8448eb211c80319c';
const HTTP_SPAN = 'b7ad6b7169203331';
const META_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const META_SPAN = '00f067aa0ba902b7';
const LEGACY_TRACE = '5e2a8c3f0b1d4e6f8a9b0c1d2e3f4a5b';
const LEGACY_SPAN = '1a2b3c4d5e6f7a8b';
const traceparent = (traceId: string, spanId: string) => `00-${traceId}-${spanId}-01`;

const key = mintApiKey();
let otlp: Awaited<ReturnType<typeof receiver>>;
let telemetry: Telemetry;
let app: RunningApp;

async function connect(
  options: ConstructorParameters<typeof Client>[1],
  headers: Record<string, string>,
): Promise<Client> {
  const client = new Client({ name: 'otlp-test', version: '1.0.0' }, options);
  await client.connect(new StreamableHTTPClientTransport(app.mcpUrl, { requestInit: { headers } }));
  return client;
}

beforeAll(async () => {
  otlp = await receiver();
  telemetry = await startTelemetry({
    serviceName: 'otlp-export-test',
    // Metrics are read once, at shutdown (the flush every app does on SIGTERM).
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_METRIC_EXPORT_INTERVAL: '3600000' },
  });
  app = await startApp({ AUTH_MODE: 'apikey', API_KEYS: `otlp::${hashApiKey(key)}` });

  // 2026-07-28: trace context in the HTTP header and, different, in `_meta`.
  const modern = await connect(
    { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    { authorization: `Bearer ${key}`, traceparent: traceparent(HTTP_TRACE, HTTP_SPAN) },
  );
  await modern.callTool({
    name: 'echo',
    arguments: { text: 'modern' },
    _meta: { traceparent: traceparent(META_TRACE, META_SPAN) },
  });
  await modern.callTool({ name: 'fail', arguments: {} });
  await expect(modern.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow();
  await modern.close();

  // 2025-11-25: the HTTP header only.
  const legacy = await connect(
    {},
    { authorization: `Bearer ${key}`, traceparent: traceparent(LEGACY_TRACE, LEGACY_SPAN) },
  );
  await legacy.callTool({ name: 'echo', arguments: { text: 'legacy' } });
  await legacy.close();

  // Refused before anything runs: a key nobody issued (401).
  await expect(
    connect(
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
      { authorization: `Bearer ${mintApiKey()}` },
    ),
  ).rejects.toThrow();

  await app.close();
  await telemetry.shutdown();
}, 60_000);

// The SDKs stay registered until this file's worker exits: every test here reads what they sent.
afterAll(() => otlp?.close());

function span(name: string, attributes: Record<string, unknown> = {}): OtlpSpan {
  const found = otlp
    .spans()
    .filter(
      (s) =>
        s.name === name &&
        Object.entries(attributes).every(([k, v]) => attributesOf(s.attributes)[k] === v),
    );
  expect(found, `${name} ${JSON.stringify(attributes)}`).toHaveLength(1);
  return found[0] as OtlpSpan;
}

const SERVER = 2;
const INTERNAL = 1;
const ERROR = 2;

describe('spans over OTLP/HTTP', () => {
  it('arrive as OTLP JSON, with the service name', () => {
    expect([...otlp.contentTypes]).toEqual(['application/json']);
    expect(otlp.resources()[0]).toMatchObject({ 'service.name': 'otlp-export-test' });
  });

  it('a 2026-07-28 tool call: the MCP server span is a child of the _meta context, linked to the HTTP one', () => {
    const server = span('tools/call echo', { 'mcp.protocol.version': '2026-07-28' });
    expect(server.kind).toBe(SERVER);
    expect(server.traceId).toBe(META_TRACE);
    expect(server.parentSpanId).toBe(META_SPAN);
    expect(server.links).toEqual([
      expect.objectContaining({ traceId: HTTP_TRACE, spanId: HTTP_SPAN }),
    ]);
    const attributes = attributesOf(server.attributes);
    expect(attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'echo',
      'gen_ai.operation.name': 'execute_tool',
      'mcp.protocol.version': '2026-07-28',
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
      'network.protocol.version': '1.1',
      'client.address': '127.0.0.1',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(app.url).port),
      'http.response.status_code': 200,
    });
    expect(typeof attributes['jsonrpc.request.id']).toBe('string');
    expect(typeof attributes['client.port']).toBe('number');
    // No session in this era: nothing to identify.
    expect(attributes['mcp.session.id']).toBeUndefined();
    expect(attributes['error.type']).toBeUndefined();

    const tool = span('execute_tool echo', { 'mcp.protocol.version': '2026-07-28' });
    expect(tool.kind).toBe(INTERNAL);
    expect(tool.traceId).toBe(META_TRACE);
    expect(tool.parentSpanId).toBe(server.spanId);
  });

  it('a 2025-11-25 tool call: the MCP server span is a child of the HTTP traceparent', () => {
    const server = span('tools/call echo', { 'mcp.protocol.version': '2025-11-25' });
    expect(server.traceId).toBe(LEGACY_TRACE);
    expect(server.parentSpanId).toBe(LEGACY_SPAN);
    expect(server.links ?? []).toEqual([]);
    expect(attributesOf(server.attributes)).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'echo',
      'network.transport': 'tcp',
    });
    const initialize = span('initialize', { 'mcp.protocol.version': '2025-11-25' });
    expect(initialize.traceId).toBe(LEGACY_TRACE);
    expect(span('execute_tool echo', { 'mcp.protocol.version': '2025-11-25' }).parentSpanId).toBe(
      server.spanId,
    );
  });

  it('a failing tool: error.type tool_error on the tool span and on the MCP server span', () => {
    const server = span('tools/call fail');
    expect(attributesOf(server.attributes)).toMatchObject({
      'error.type': 'tool_error',
      'http.response.status_code': 200,
    });
    expect(server.status?.code).toBe(ERROR);
    const tool = span('execute_tool fail');
    expect(attributesOf(tool.attributes)['error.type']).toBe('tool_error');
    expect(tool.parentSpanId).toBe(server.spanId);
  });

  it('a refused call (unknown tool): the JSON-RPC code as error.type and rpc.response.status_code, the name kept out of the span name', () => {
    const server = span('tools/call', { 'gen_ai.tool.name': 'no_such_tool' });
    expect(attributesOf(server.attributes)).toMatchObject({
      'error.type': '-32602',
      'rpc.response.status_code': '-32602',
    });
    expect(server.status?.code).toBe(ERROR);
    expect(
      otlp
        .spans()
        .map((s) => s.name)
        .join(),
    ).not.toContain('no_such_tool');
  });
});

describe('metrics over OTLP/HTTP', () => {
  const BOUNDS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

  function points(attributes: Record<string, unknown>): HistogramPoint[] {
    return otlp
      .histogram('mcp.server.operation.duration')
      .flatMap((metric) => metric.histogram?.dataPoints ?? [])
      .filter((point) => {
        const own = attributesOf(point.attributes);
        return Object.entries(attributes).every(([k, v]) => own[k] === v);
      });
  }
  const count = (attributes: Record<string, unknown>) =>
    points(attributes).reduce((sum, point) => sum + Number(point.count), 0);

  it("mcp.server.operation.duration arrives in seconds, with the conventions' buckets", () => {
    const [metric] = otlp.histogram('mcp.server.operation.duration');
    expect(metric?.unit).toBe('s');
    for (const point of metric?.histogram?.dataPoints ?? [])
      expect(point.explicitBounds).toEqual(BOUNDS);
  });

  it('counts each tool call with its attributes, in each era', () => {
    const tool = {
      'mcp.method.name': 'tools/call',
      'gen_ai.operation.name': 'execute_tool',
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
    };
    expect(
      count({ ...tool, 'gen_ai.tool.name': 'echo', 'mcp.protocol.version': '2026-07-28' }),
    ).toBe(1);
    expect(
      count({ ...tool, 'gen_ai.tool.name': 'echo', 'mcp.protocol.version': '2025-11-25' }),
    ).toBe(1);
    expect(
      points({ ...tool, 'gen_ai.tool.name': 'echo' }).map(
        (p) => attributesOf(p.attributes)['error.type'],
      ),
    ).toEqual([undefined, undefined]);
    expect(count({ ...tool, 'gen_ai.tool.name': 'fail', 'error.type': 'tool_error' })).toBe(1);
    // An unknown tool's name never becomes an attribute value.
    expect(
      count({
        ...tool,
        'gen_ai.tool.name': '_OTHER',
        'error.type': '-32602',
        'rpc.response.status_code': '-32602',
      }),
    ).toBe(1);
  });

  it('counts the other methods of both eras, and the refused one', () => {
    expect(
      count({ 'mcp.method.name': 'server/discover', 'mcp.protocol.version': '2026-07-28' }),
    ).toBeGreaterThanOrEqual(1);
    expect(count({ 'mcp.method.name': 'initialize', 'mcp.protocol.version': '2025-11-25' })).toBe(
      1,
    );
    // The 401: refused before the body was read, its method from the Mcp-Method header.
    expect(count({ 'mcp.method.name': 'server/discover', 'error.type': '-31401' })).toBe(1);
  });
});
