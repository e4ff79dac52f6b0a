import { Writable } from 'node:stream';
import { createAuditLog, hashArguments } from '@mcp-runway/logging';
import { describe, expect, it } from 'vitest';
import { instrumentServer } from './instrument.js';
import { createMetrics } from './metrics.js';
import { bindRequestId } from './request-context.js';
import { exampleServer, FakeMcpServer, ProtocolError } from './test/fake-server.js';
import { sample, scrape, total } from './test/scrape.js';
import { hashSessionId, logToolCall } from './tool-log.js';

function recordingLogger() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string | undefined }[] = [];
  return {
    lines,
    info: (obj: object, msg?: string) => lines.push({ level: 'info', obj: { ...obj }, msg }),
    warn: (obj: object, msg?: string) => lines.push({ level: 'warn', obj: { ...obj }, msg }),
  };
}

describe('instrumentServer', () => {
  it('turns every registered tool into a tool label, with no code in the tools', async () => {
    const metrics = createMetrics({ processMetrics: false });
    exampleServer((server) => instrumentServer(server, metrics));
    expect(['search_notes', 'archive_note', 'long_job'].map(metrics.toolLabel)).toEqual([
      'search_notes',
      'archive_note',
      'long_job',
    ]);
    expect(metrics.toolLabel('delete_everything')).toBe('_OTHER');
    // Prompts too: a registered prompt's name may label prompts/get, any other is _OTHER.
    expect([metrics.promptLabel('weekly_review'), metrics.promptLabel('made_up')]).toEqual([
      'weekly_review',
      '_OTHER',
    ]);
    const samples = await scrape(metrics.registry);
    expect(
      total(samples, 'mcp_server_operation_duration_seconds_count', {
        gen_ai_tool_name: 'archive_note',
      }),
    ).toBe(0);
    expect(
      [...samples.keys()].filter((key) => key.includes('gen_ai_tool_name="archive_note"')).length,
    ).toBeGreaterThan(0);
  });

  it('records ok, tool_error (isError) and protocol_error (unknown tool), and times each call', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const server = exampleServer((s) => instrumentServer(s, metrics), { slowMs: 30 });
    const before = await scrape(metrics.registry);

    await expect(server.call('search_notes')).resolves.toMatchObject({ content: [{}] });
    await expect(server.call('archive_note')).resolves.toMatchObject({ isError: true });
    await expect(server.call('no_such_tool')).rejects.toBeInstanceOf(ProtocolError);
    await server.call('long_job');

    const after = await scrape(metrics.registry);
    expect(total(before, 'mcp_server_operation_duration_seconds_count')).toBe(0);
    // No HTTP request in the context: a call over stdio (`network.transport` pipe).
    const stdio = {
      gen_ai_operation_name: 'execute_tool',
      mcp_method_name: 'tools/call',
      network_transport: 'pipe',
    };
    const calls = (labels: Record<string, string>) =>
      sample(after, 'mcp_server_operation_duration_seconds_count', { ...stdio, ...labels });
    expect(calls({ gen_ai_tool_name: 'search_notes' })).toBe(1);
    expect(calls({ gen_ai_tool_name: 'archive_note', error_type: 'tool_error' })).toBe(1);
    expect(
      calls({
        gen_ai_tool_name: '_OTHER',
        error_type: '-32602',
        rpc_response_status_code: '-32602',
      }),
    ).toBe(1);
    expect(calls({ gen_ai_tool_name: 'long_job' })).toBe(1);
    // The slow tool takes at least 30 ms, so it lands above the 20 ms bucket (how far above
    // depends on the machine's load: only the lower bound is a fact).
    const bucket = (le: string) =>
      sample(after, 'mcp_server_operation_duration_seconds_bucket', {
        ...stdio,
        gen_ai_tool_name: 'long_job',
        le,
      });
    expect(bucket('0.02')).toBe(0);
    expect(bucket('+Inf')).toBe(1);
  });

  it('writes one line per call: request id, session hash and principal, never the token', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const logger = recordingLogger();
    const server = exampleServer((s) => instrumentServer(s, metrics, { logger }));
    const req = new Request('http://localhost/mcp', { method: 'POST' });
    bindRequestId(req, 'req-42');
    const authInfo = { token: 'secret-token-value', clientId: 'app', extra: { sub: 'alice' } };

    await server.call('archive_note', {
      sessionId: 'session-1',
      mcpReq: { id: 7 },
      http: { authInfo, req },
    });
    await server.call('no_such_tool', { http: { authInfo } }).catch(() => undefined);

    expect(logger.lines).toHaveLength(2);
    const [refused, unknown] = logger.lines;
    expect(refused).toMatchObject({
      level: 'info',
      msg: 'tool call',
      obj: {
        tool: 'archive_note',
        outcome: 'tool_error',
        requestId: 'req-42',
        mcpRequestId: 7,
        sessionHash: hashSessionId('session-1'),
        principal: 'alice',
      },
    });
    expect(typeof refused?.obj.durationMs).toBe('number');
    expect(unknown).toMatchObject({
      level: 'warn',
      obj: { tool: 'no_such_tool', outcome: 'protocol_error', errorCode: -32602 },
    });
    expect(JSON.stringify(logger.lines)).not.toContain('secret-token-value');
    expect(JSON.stringify(logger.lines)).not.toContain('session-1');
  });

  it('writes one audit record per call: hashed arguments, client id, never a value or token', async () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, callback) {
        chunks.push(String(chunk));
        callback();
      },
    });
    const audit = createAuditLog({ stream });
    const metrics = createMetrics({ processMetrics: false });
    const server = exampleServer((s) => instrumentServer(s, metrics, { audit }));
    const req = new Request('http://localhost/mcp', { method: 'POST' });
    bindRequestId(req, 'req-audit');
    const authInfo = { token: 'secret-token-value', clientId: 'app-7', extra: { sub: 'alice' } };
    const args = { query: 'recognisable-argument-value', limit: 2 };

    await server.call(
      'search_notes',
      { sessionId: 'session-9', http: { authInfo, req } },
      undefined,
      args,
    );
    await server.call('search_notes', { http: { authInfo } }, undefined, {
      limit: 2,
      query: 'recognisable-argument-value',
    });
    await server.call('no_such_tool', { http: { authInfo } }).catch(() => undefined);

    const text = chunks.join('');
    const records = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(3);
    expect(records[0]).toMatchObject({
      audit: true,
      event: 'tool_call',
      tool: 'search_notes',
      outcome: 'ok',
      principal: 'alice',
      clientId: 'app-7',
      requestId: 'req-audit',
      mcpRequestId: 1,
      sessionHash: hashSessionId('session-9'),
      argsHash: hashArguments(args),
    });
    // Equal arguments in another key order: the same hash.
    expect(records[1]?.argsHash).toBe(records[0]?.argsHash);
    expect(records[2]).toMatchObject({
      tool: 'no_such_tool',
      outcome: 'protocol_error',
      errorCode: -32602,
    });
    expect(text).not.toContain('recognisable-argument-value');
    expect(text).not.toContain('secret-token-value');
    expect(text).not.toContain('session-9');
  });

  it("falls back to the request's own X-Request-Id when no adapter bound one", async () => {
    const logger = recordingLogger();
    const server = exampleServer((s) =>
      instrumentServer(s, createMetrics({ processMetrics: false }), { logger }),
    );
    const req = new Request('http://localhost/mcp', { headers: { 'x-request-id': 'from-proxy' } });
    await server.call('search_notes', { http: { req } });
    expect(logger.lines[0]?.obj.requestId).toBe('from-proxy');
  });

  it('refuses a server whose tools are already registered (their handler is out of reach)', () => {
    const server = new FakeMcpServer();
    server.registerTool('search_notes', {}, async () => ({ content: [] }));
    expect(() => instrumentServer(server, createMetrics({ processMetrics: false }))).toThrow(
      /before the first registerTool/,
    );
  });
});

describe('logToolCall', () => {
  it('cuts an absurdly long tool name', () => {
    const logger = recordingLogger();
    logToolCall(logger, {
      tool: 'x'.repeat(10_000),
      outcome: 'protocol_error',
      durationMs: 1.23456,
    });
    expect(logger.lines[0]?.obj).toEqual({
      tool: 'x'.repeat(128),
      outcome: 'protocol_error',
      durationMs: 1.23,
    });
  });

  it('hashes session ids to a short stable prefix', () => {
    expect(hashSessionId('abc')).toBe(hashSessionId('abc'));
    expect(hashSessionId('abc')).toMatch(/^[0-9a-f]{16}$/);
    expect(hashSessionId('abc')).not.toBe(hashSessionId('abd'));
  });
});
