import { isLegacyRequest } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import {
  bodyStillArriving,
  checkHostOrigin,
  checkMcpPostHeaders,
  corsHeaders,
  createDrain,
  createHealth,
  hostAllowed,
  LOOPBACK_HOSTS,
  LOOPBACK_ORIGINS,
  MAX_JSON_DEPTH,
  originAllowed,
  parseMcpMessage,
  preflight,
  readBodyText,
  resolveRequestId,
  withinBodyDeadline,
} from './index.js';

const NO_HEADERS = { protocolVersion: undefined, mcpMethod: undefined, mcpName: undefined };
const MODERN = '2026-07-28';
const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientCapabilities': {},
};
const ERA_CASES: [string, 'legacy' | 'modern', object, Record<string, string>][] = [
  [
    'a request with the _meta envelope and matching headers',
    'modern',
    { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: ENVELOPE } },
    { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/list' },
  ],
  [
    'a request without the envelope',
    'legacy',
    { jsonrpc: '2.0', id: 1, method: 'tools/list' },
    { 'mcp-protocol-version': '2025-11-25' },
  ],
  [
    'initialize',
    'legacy',
    { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25' } },
    {},
  ],
  ['a posted response', 'legacy', { jsonrpc: '2.0', id: 1, result: {} }, {}],
  // Refusals the modern handler answers: never the session lane's.
  [
    'a request with a modern header but no envelope',
    'modern',
    { jsonrpc: '2.0', id: 1, method: 'tools/list' },
    { 'mcp-protocol-version': MODERN },
  ],
  [
    'a header naming another version than the envelope',
    'modern',
    { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: ENVELOPE } },
    { 'mcp-protocol-version': '2099-01-01' },
  ],
  [
    'an Mcp-Method header naming another method',
    'modern',
    { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: ENVELOPE } },
    { 'mcp-protocol-version': MODERN, 'mcp-method': 'prompts/list' },
  ],
  [
    'a notification with a modern header only',
    'modern',
    { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } },
    { 'mcp-protocol-version': MODERN },
  ],
  [
    'a message that is neither request, notification nor response',
    'modern',
    { jsonrpc: '2.0' },
    {},
  ],
];

describe('resolveRequestId', () => {
  it('keeps an id-shaped incoming value and replaces anything else', () => {
    expect(resolveRequestId('abc-123.4:5')).toBe('abc-123.4:5');
    expect(resolveRequestId('has space')).toMatch(/^[0-9a-f-]{36}$/);
    expect(resolveRequestId('x'.repeat(129))).toMatch(/^[0-9a-f-]{36}$/);
    expect(resolveRequestId(undefined)).not.toBe(resolveRequestId(undefined));
  });
});

describe('origin and host matching', () => {
  it('matches exact origins and port wildcards only', () => {
    expect(originAllowed('http://localhost:6274', LOOPBACK_ORIGINS)).toBe(true);
    expect(originAllowed('http://localhost', LOOPBACK_ORIGINS)).toBe(true);
    expect(originAllowed('http://localhost.evil.com:80', LOOPBACK_ORIGINS)).toBe(false);
    expect(originAllowed('https://localhost:6274', LOOPBACK_ORIGINS)).toBe(false);
    expect(originAllowed('https://app.example.com', ['https://app.example.com'])).toBe(true);
    expect(originAllowed('https://app.example.com.evil', ['https://app.example.com'])).toBe(false);
  });

  it('matches host names on any port, or host:port exactly', () => {
    expect(hostAllowed('localhost:3000', LOOPBACK_HOSTS)).toBe(true);
    expect(hostAllowed('[::1]:3000', LOOPBACK_HOSTS)).toBe(true);
    expect(hostAllowed('MCP.Example.com', ['mcp.example.com'])).toBe(true);
    expect(hostAllowed('mcp.example.com:8443', ['mcp.example.com:443'])).toBe(false);
    expect(hostAllowed(undefined, LOOPBACK_HOSTS)).toBe(false);
  });
});

describe('checkHostOrigin', () => {
  const policy = { allowedHosts: ['mcp.example.com'], allowedOrigins: ['https://app.example.com'] };
  it('refuses a foreign Host or Origin with 403', () => {
    expect(
      checkHostOrigin({ path: '/mcp', host: 'evil.com', origin: undefined }, policy)?.httpStatus,
    ).toBe(403);
    expect(
      checkHostOrigin({ path: '/mcp', host: 'mcp.example.com', origin: 'https://evil.com' }, policy)
        ?.httpStatus,
    ).toBe(403);
  });
  it('lets through the configured host, and requests with no Origin (non-browser clients)', () => {
    expect(
      checkHostOrigin({ path: '/mcp', host: 'mcp.example.com', origin: undefined }, policy),
    ).toBeUndefined();
    expect(
      checkHostOrigin(
        { path: '/mcp', host: 'mcp.example.com', origin: 'https://app.example.com' },
        policy,
      ),
    ).toBeUndefined();
  });
  it('never blocks probes that arrive with a pod IP as Host', () => {
    expect(
      checkHostOrigin({ path: '/ready', host: '10.1.2.3:3000', origin: undefined }, policy),
    ).toBeUndefined();
  });
});

describe('CORS', () => {
  const policy = { allowedOrigins: ['https://app.example.com'], allowCredentials: true };
  it('echoes an allowed origin, never *, and exposes the MCP headers', () => {
    const { allowed, headers } = corsHeaders('https://app.example.com', policy);
    expect(allowed).toBe(true);
    expect(headers['Access-Control-Allow-Origin']).toBe('https://app.example.com');
    expect(headers['Access-Control-Allow-Credentials']).toBe('true');
    expect(headers['Access-Control-Expose-Headers']).toContain('Mcp-Session-Id');
  });
  it('adds nothing for requests without an Origin', () => {
    expect(corsHeaders(undefined, policy)).toEqual({ allowed: true, headers: {} });
  });
  it('answers preflights: 204 with allowances, 403 for strangers', () => {
    expect(
      preflight('https://app.example.com', policy).headers['Access-Control-Allow-Headers'],
    ).toContain('Last-Event-ID');
    expect(preflight('https://evil.com', policy).status).toBe(403);
  });
});

describe('MCP POST checks', () => {
  const ok = {
    contentType: 'application/json; charset=utf-8',
    accept: 'application/json, text/event-stream',
    contentLength: '10',
  };
  it('accepts JSON with both media types accepted (wildcards count)', () => {
    expect(checkMcpPostHeaders(ok, 100)).toBeUndefined();
    expect(checkMcpPostHeaders({ ...ok, accept: '*/*' }, 100)).toBeUndefined();
  });
  it('refuses other content types (415), a narrow Accept (406) and a large body (413)', () => {
    expect(
      (checkMcpPostHeaders({ ...ok, contentType: 'text/plain' }, 100) as { httpStatus: number })
        .httpStatus,
    ).toBe(415);
    expect(
      (checkMcpPostHeaders({ ...ok, accept: 'application/json' }, 100) as { httpStatus: number })
        .httpStatus,
    ).toBe(406);
    expect(
      (checkMcpPostHeaders({ ...ok, contentLength: '101' }, 100) as { httpStatus: number })
        .httpStatus,
    ).toBe(413);
  });
  it('reads the era, method, id and tool name', () => {
    const post = parseMcpMessage(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 'a',
        method: 'tools/call',
        params: {
          name: 'search_notes',
          _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' },
        },
      }),
      NO_HEADERS,
    );
    expect(post).toMatchObject({
      era: 'modern',
      method: 'tools/call',
      id: 'a',
      toolName: 'search_notes',
      protocolVersion: '2026-07-28',
    });
    expect(
      parseMcpMessage('{"jsonrpc":"2.0","method":"notifications/initialized"}', NO_HEADERS),
    ).toMatchObject({ era: 'legacy', id: undefined });
  });
  it('throws -32700 for bad JSON and -32600 for batches', () => {
    expect(() => parseMcpMessage('{', NO_HEADERS)).toThrowError(
      expect.objectContaining({ code: -32700 }),
    );
    expect(() => parseMcpMessage('[]', NO_HEADERS)).toThrowError(
      expect.objectContaining({ code: -32600 }),
    );
  });
  it('refuses JSON nested deeper than MAX_JSON_DEPTH with -32700, before parsing it', () => {
    const within = `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":${'['.repeat(MAX_JSON_DEPTH - 2)}${']'.repeat(MAX_JSON_DEPTH - 2)}}}`;
    expect(parseMcpMessage(within, NO_HEADERS).method).toBe('ping');
    const beyond = within.replace('"a":', '"a":[').replace(/}}$/, ']}}');
    expect(() => parseMcpMessage(beyond, NO_HEADERS)).toThrowError(
      expect.objectContaining({
        code: -32700,
        message: expect.stringMatching(/deeper than 64 levels/),
      }),
    );
    // 100,000 levels: refused by the scan, not by a stack overflow somewhere later.
    const deep = `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    expect(() => parseMcpMessage(deep, NO_HEADERS)).toThrowError(
      expect.objectContaining({ code: -32700 }),
    );
  });
  it('counts only structure: brackets and quotes inside strings are text', () => {
    const text = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'ping',
      params: { a: `${'['.repeat(500)} \\" {{{ "`, b: '\\' },
    });
    expect(parseMcpMessage(text, NO_HEADERS).method).toBe('ping');
  });
  it('counts depth, not brackets: many shallow objects pass', () => {
    const text = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'ping',
      params: { rows: Array.from({ length: 500 }, (_, i) => ({ i, tags: [i] })) },
    });
    expect(parseMcpMessage(text, NO_HEADERS).method).toBe('ping');
  });
  // The era decides the lane; it must be the SDK's own decision, headers included.
  it.each(ERA_CASES)(
    'classifies %s as the SDK routes it (%s)',
    async (_name, era, body, headers) => {
      const post = parseMcpMessage(JSON.stringify(body), {
        protocolVersion: headers['mcp-protocol-version'],
        mcpMethod: headers['mcp-method'],
        mcpName: headers['mcp-name'],
      });
      expect(post.era).toBe(era);
      const request = new Request('http://localhost/mcp', { method: 'POST', headers });
      expect(await isLegacyRequest(request, body)).toBe(era === 'legacy');
    },
  );
  it('refuses a body that has not all arrived by the deadline with 408, and waits for none that has', async () => {
    const never = new Promise<string>(() => {});
    await expect(withinBodyDeadline(never, 20)).rejects.toMatchObject({
      httpStatus: 408,
      code: -31408,
    });
    await expect(withinBodyDeadline(Promise.resolve('{}'), 20)).resolves.toBe('{}');
  });
  it('closes the connection on a refusal only while a body is still arriving', () => {
    const arrival = { contentLength: '10', transferEncoding: undefined, complete: false };
    expect(bodyStillArriving(arrival)).toBe(true);
    expect(bodyStillArriving({ ...arrival, complete: true })).toBe(false);
    expect(bodyStillArriving({ ...arrival, contentLength: '0' })).toBe(false);
    expect(bodyStillArriving({ ...arrival, contentLength: undefined })).toBe(false);
    expect(
      bodyStillArriving({ contentLength: null, transferEncoding: 'chunked', complete: false }),
    ).toBe(true);
  });
  it('stops reading a stream as soon as it passes the limit', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(64));
      },
    });
    await expect(readBodyText(endless, 1000)).rejects.toMatchObject({ httpStatus: 413 });
    expect(pulled).toBeLessThan(20);
  });
});

describe('health and drain', () => {
  it('reports each readiness check and turns 503 when one fails or while draining', async () => {
    const drain = createDrain();
    let redisUp = true;
    const health = createHealth({
      isDraining: () => drain.draining,
      checks: [
        {
          name: 'redis',
          check: () => {
            if (!redisUp) throw new Error('connection refused');
          },
        },
      ],
    });
    expect(await health.readiness()).toEqual({
      status: 200,
      body: { status: 'ok', checks: { redis: 'ok' } },
    });
    redisUp = false;
    expect(await health.readiness()).toMatchObject({
      status: 503,
      body: { checks: { redis: 'connection refused' } },
    });
    drain.begin();
    expect(await health.readiness()).toMatchObject({ status: 503, body: { draining: true } });
    expect(health.liveness().status).toBe(200);
  });

  it('reports a degraded dependency in the body and stays ready', async () => {
    let circuit = 'closed';
    const health = createHealth({
      isDraining: () => false,
      dependencies: [
        {
          name: 'redis',
          report: () => ({
            degraded: circuit !== 'closed',
            circuit,
            since: '2026-12-06T12:00:00Z',
          }),
        },
      ],
    });
    expect(await health.readiness()).toEqual({
      status: 200,
      body: {
        status: 'ok',
        dependencies: {
          redis: { degraded: false, circuit: 'closed', since: '2026-12-06T12:00:00Z' },
        },
      },
    });
    circuit = 'open';
    expect(await health.readiness()).toEqual({
      status: 200,
      body: {
        status: 'ok',
        degraded: true,
        dependencies: {
          redis: { degraded: true, circuit: 'open', since: '2026-12-06T12:00:00Z' },
        },
      },
    });
  });

  it('fails a check that hangs', async () => {
    const health = createHealth({
      isDraining: () => false,
      checkTimeoutMs: 20,
      checks: [{ name: 'slow', check: () => new Promise(() => {}) }],
    });
    expect((await health.readiness()).body.checks).toEqual({ slow: 'timed out after 20 ms' });
  });

  it('resolves whenIdle once the last request finishes', async () => {
    const drain = createDrain();
    drain.started();
    drain.started();
    let idle = false;
    const waiting = drain.whenIdle().then(() => {
      idle = true;
    });
    drain.finished();
    await Promise.resolve();
    expect(idle).toBe(false);
    drain.finished();
    await waiting;
    expect(idle).toBe(true);
  });
});
