import { ForbiddenError, toErrorResponse } from '@mcp-runway/errors';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { McpFacts } from '../hono/index.js';
import { mcpTracing } from '../hono/index.js';
import { instrumentServer } from '../instrument.js';
import { createMetrics } from '../metrics.js';
import { startRequestSpan } from '../request-span.js';
import { exampleServer } from '../test/fake-server.js';
import { hashSessionId } from '../tool-log.js';
import { endMcpRequestSpan, startMcpRequestSpan, startToolSpan } from './spans.js';
import { tracingEnabled } from './tracer.js';

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const HTTP_TRACE = '11111111111111111111111111111111';
const HTTP_SPAN = '2222222222222222';
const META_TRACEPARENT = `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`;
const HTTP_TRACEPARENT = `00-${HTTP_TRACE}-${HTTP_SPAN}-01`;

type Env = { Variables: { mcp: McpFacts | undefined } };

const metrics = createMetrics({ processMetrics: false });
const server = exampleServer((s) => instrumentServer(s, metrics), { slowMs: 1 });

/** Parse, trace, a scope check that can refuse, then the instrumented server. */
function createApp() {
  const app = new Hono<Env>();
  app.onError((error, c) => {
    const { httpStatus, headers, body } = toErrorResponse(error, c.get('mcp')?.id ?? null);
    return c.json(body, httpStatus as ContentfulStatusCode, { ...headers });
  });
  app.post(
    '/mcp',
    async (c, next) => {
      const message = (await c.req.json()) as Record<string, unknown> & {
        id: number;
        method: string;
        params: { name: string };
      };
      c.set('mcp', {
        method: message.method,
        toolName: message.params.name,
        id: message.id,
        era: 'modern',
        protocolVersion: '2026-07-28',
        message,
      });
      await next();
    },
    mcpTracing(metrics),
    async (c, next) => {
      if (c.req.header('x-test-forbid')) throw new ForbiddenError('Forbidden: no');
      await next();
    },
    async (c) => {
      const mcp = c.get('mcp') as McpFacts;
      const params = (mcp.message as { params: { _meta?: Record<string, unknown> } }).params;
      const result = await server
        .call(mcp.toolName ?? '', { mcpReq: { id: 9 } }, params._meta)
        .catch((error: { code: number }) => ({ error: error.code }));
      return c.json({ jsonrpc: '2.0', id: mcp.id, result });
    },
  );
  return app;
}

function post(
  tool: string,
  options: { headers?: Record<string, string>; meta?: Record<string, unknown> } = {},
) {
  return createApp().request('/mcp', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 5,
      method: 'tools/call',
      params: { name: tool, ...(options.meta && { _meta: options.meta }) },
    }),
  });
}

describe('with no OpenTelemetry SDK registered', () => {
  it('does nothing: no span, no context to carry', async () => {
    expect(tracingEnabled()).toBe(false);
    const started = startMcpRequestSpan(
      { method: 'tools/call' },
      { traceparent: HTTP_TRACEPARENT },
    );
    expect(started.context).toBeUndefined();
    expect(started.span.isRecording()).toBe(false);
    expect(
      startToolSpan({ method: 'tools/call', meta: { traceparent: META_TRACEPARENT } }).context,
    ).toBeUndefined();
    expect((await post('search_notes')).status).toBe(200);
  });
});

describe('with an SDK registered (in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  let provider: NodeTracerProvider;

  beforeAll(() => {
    provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register();
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });
  beforeEach(() => exporter.reset());

  const spans = () => exporter.getFinishedSpans();
  const named = (name: string): ReadableSpan => {
    const span = spans().find((s) => s.name === name);
    if (!span) throw new Error(`no span ${name}; have ${spans().map((s) => s.name)}`);
    return span;
  };

  it('notices the SDK, even though it registered through the CommonJS copy of the API', () => {
    expect(tracingEnabled()).toBe(true);
  });

  it('parents the request span on an incoming traceparent header, and the tool span on it', async () => {
    await post('search_notes', {
      headers: { traceparent: HTTP_TRACEPARENT, tracestate: 'vendor=1' },
    });
    const request = named('tools/call search_notes');
    const tool = named('execute_tool search_notes');
    expect(request.kind).toBe(SpanKind.SERVER);
    expect(request.spanContext().traceId).toBe(HTTP_TRACE);
    expect(request.parentSpanContext?.spanId).toBe(HTTP_SPAN);
    expect(request.spanContext().traceState?.get('vendor')).toBe('1');
    expect(tool.kind).toBe(SpanKind.INTERNAL);
    expect(tool.spanContext().traceId).toBe(HTTP_TRACE);
    expect(tool.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(request.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'search_notes',
      'gen_ai.operation.name': 'execute_tool',
      'jsonrpc.request.id': '5',
      'mcp.protocol.version': '2026-07-28',
      'network.transport': 'tcp',
      'http.response.status_code': 200,
    });
    expect(request.status.code).toBe(SpanStatusCode.UNSET);
    expect(tool.attributes).toMatchObject({
      'gen_ai.tool.name': 'search_notes',
      'jsonrpc.request.id': '9',
    });
  });

  it('prefers the trace context in _meta (the MCP parent) and links the HTTP one', async () => {
    await post('search_notes', {
      headers: { traceparent: HTTP_TRACEPARENT },
      meta: { traceparent: META_TRACEPARENT },
    });
    const request = named('tools/call search_notes');
    expect(request.spanContext().traceId).toBe(CLIENT_TRACE);
    expect(request.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
    expect(request.links.map((link) => link.context.spanId)).toEqual([HTTP_SPAN]);
    expect(named('execute_tool search_notes').parentSpanContext?.spanId).toBe(
      request.spanContext().spanId,
    );
  });

  it('starts a new trace when nothing was propagated', async () => {
    await post('search_notes');
    const request = named('tools/call search_notes');
    expect(request.parentSpanContext).toBeUndefined();
    expect(named('execute_tool search_notes').spanContext().traceId).toBe(
      request.spanContext().traceId,
    );
  });

  it('marks a tool_error and a protocol error on the tool span and its MCP server span, keeping unknown names out of span names', async () => {
    await post('archive_note');
    const refused = named('execute_tool archive_note');
    expect(refused.attributes['error.type']).toBe('tool_error');
    expect(refused.status.code).toBe(SpanStatusCode.ERROR);
    // The MCP server span answered 200, yet the operation failed: the conventions' tool_error.
    const server = named('tools/call archive_note');
    expect(server.attributes['error.type']).toBe('tool_error');
    expect(server.attributes['http.response.status_code']).toBe(200);
    expect(server.status.code).toBe(SpanStatusCode.ERROR);

    exporter.reset();
    await post('no_such_tool');
    const unknown = named('execute_tool');
    expect(unknown.attributes).toMatchObject({
      'error.type': '-32602',
      'rpc.response.status_code': '-32602',
      'gen_ai.tool.name': 'no_such_tool',
    });
    expect(unknown.status).toMatchObject({
      code: SpanStatusCode.ERROR,
      message: 'Tool no_such_tool not found',
    });
    expect(named('tools/call').attributes).toMatchObject({
      'gen_ai.tool.name': 'no_such_tool',
      'rpc.response.status_code': '-32602',
    });
  });

  it('puts a resource URI in mcp.resource.uri, never in the span name, and the connection in client.*/server.*', () => {
    const headers: Record<string, string> = { host: 'mcp.example.com:8443' };
    const started = startRequestSpan(
      {
        method: 'resources/read',
        id: 3,
        era: 'legacy',
        message: { params: { uri: 'file:///reports/q3.pdf' } },
      },
      metrics,
      (name) => headers[name],
      { httpVersion: '1.1', clientAddress: '10.1.2.3', clientPort: 51234 },
    );
    endMcpRequestSpan(started.span, 200);
    const span = named('resources/read');
    expect(span.attributes).toMatchObject({
      'mcp.method.name': 'resources/read',
      'mcp.resource.uri': 'file:///reports/q3.pdf',
      'jsonrpc.request.id': '3',
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
      'network.protocol.version': '1.1',
      'client.address': '10.1.2.3',
      'client.port': 51234,
      'server.address': 'mcp.example.com',
      'server.port': 8443,
    });
    expect(span.attributes['error.type']).toBeUndefined();
  });

  it('names a prompts/get span after a declared prompt only, the name an attribute either way', () => {
    const prompts = createMetrics({ processMetrics: false });
    prompts.declarePrompt('triage');
    for (const name of ['triage', 'made_up_prompt']) {
      const started = startRequestSpan(
        { method: 'prompts/get', toolName: name, id: 4, era: 'modern' },
        prompts,
        () => undefined,
      );
      endMcpRequestSpan(started.span, 200);
    }
    expect(named('prompts/get triage').attributes['gen_ai.prompt.name']).toBe('triage');
    expect(named('prompts/get').attributes['gen_ai.prompt.name']).toBe('made_up_prompt');
    expect(spans().map((span) => span.name)).toEqual(['prompts/get triage', 'prompts/get']);
  });

  it('records a refusal on the request span: its JSON-RPC code as error.type', async () => {
    const response = await post('search_notes', { headers: { 'x-test-forbid': '1' } });
    expect(response.status).toBe(403);
    const request = named('tools/call search_notes');
    const { body } = toErrorResponse(new ForbiddenError());
    expect(request.attributes).toMatchObject({
      'http.response.status_code': 403,
      'error.type': String(body.error.code),
    });
    expect(request.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'Forbidden: no' });
    expect(spans().map((s) => s.name)).toEqual(['tools/call search_notes']);
  });

  it('without the HTTP pipeline (stdio, sessions) the tool span is the MCP server span, parented by _meta', async () => {
    await server.call(
      'search_notes',
      { sessionId: 'session-secret', mcpReq: { id: 3 } },
      { traceparent: META_TRACEPARENT },
    );
    const span = named('tools/call search_notes');
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.spanContext().traceId).toBe(CLIENT_TRACE);
    expect(span.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
    expect(span.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'search_notes',
      'jsonrpc.request.id': '3',
      'mcp.session.id': hashSessionId('session-secret'),
    });
    expect(JSON.stringify(span.attributes)).not.toContain('session-secret');
  });
});
