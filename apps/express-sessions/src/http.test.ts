import { serverChecks } from '@mcp-runway/example-server/testing';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

const clients = [
  {
    label: '2025-11-25 client (default negotiation)',
    era: 'legacy',
    session: true,
    options: {},
  },
  {
    label: 'client with versionNegotiation auto',
    era: 'modern',
    session: false,
    options: { versionNegotiation: { mode: 'auto' } },
  },
  {
    label: 'client pinned to 2026-07-28',
    era: 'modern',
    session: false,
    options: { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  },
] as const;

for (const { label, era, session, options } of clients) {
  describe(`express-sessions over a real socket, ${label}`, () => {
    const client = new Client({ name: 'express-sessions-test', version: '1.0.0' }, options);
    let transport: StreamableHTTPClientTransport;
    beforeAll(async () => {
      transport = new StreamableHTTPClientTransport(app.mcpUrl);
      await client.connect(transport);
    });
    afterAll(() => client.close());

    it(`negotiates the ${era} era ${session ? 'with' : 'without'} a session`, () => {
      expect(client.getProtocolEra()).toBe(era);
      if (session) expect(transport.sessionId).toMatch(/^[\w-]{22}$/);
      else expect(transport.sessionId).toBeUndefined();
    });
    for (const check of serverChecks)
      it(check.name, () => check.run({ client, expectedCaller: 'local' }));
  });
}

describe('one server factory behind both lanes', () => {
  it('shares one ticket store: a 2026-07-28 client finds the ticket a 2025 session made', async () => {
    const legacy = new Client({ name: 'legacy', version: '1.0.0' });
    const modern = new Client(
      { name: 'modern', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    await legacy.connect(new StreamableHTTPClientTransport(app.mcpUrl));
    await modern.connect(new StreamableHTTPClientTransport(app.mcpUrl));
    const title = `Across lanes ${Date.now()}`;
    await legacy.callTool({ name: 'create_ticket', arguments: { title } });
    const found = await modern.callTool({ name: 'search_tickets', arguments: { text: title } });
    expect((found.structuredContent as { total: number }).total).toBe(1);
    await Promise.all([legacy.close(), modern.close()]);
  });
});

const JSON_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};
const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'curl', version: '1' },
  },
});
const toolsList = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });

/** A request on the session lane; the SSE answer (or JSON error) as one JSON-RPC message. */
async function send(
  method: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Headers; message: Record<string, unknown> }> {
  const response = await fetch(app.mcpUrl, {
    method,
    headers: { ...JSON_HEADERS, 'mcp-protocol-version': '2025-11-25', ...headers },
    ...(body !== undefined && { body }),
  });
  const text = await response.text();
  // An SSE answer starts with a priming event (an id, no data) for resumption.
  const json = response.headers.get('content-type')?.startsWith('text/event-stream')
    ? /^data: (.+)$/m.exec(text)?.[1]
    : text;
  return {
    status: response.status,
    headers: response.headers,
    message: json ? (JSON.parse(json) as Record<string, unknown>) : {},
  };
}
const codeOf = (message: Record<string, unknown>) => (message.error as { code?: number })?.code;

describe('session rules through the app', () => {
  it('issues a session id on initialize, serves it, and ends it on DELETE', async () => {
    const created = await send('POST', {}, initialize);
    expect(created.status).toBe(200);
    const id = created.headers.get('mcp-session-id') ?? '';
    expect(id).toMatch(/^[\w-]{22}$/);
    expect(created.headers.get('x-content-type-options')).toBe('nosniff');
    expect(created.headers.get('x-request-id')).toBeTruthy();

    const listed = await send('POST', { 'mcp-session-id': id }, toolsList);
    expect(listed.status).toBe(200);
    expect((listed.message.result as { tools: unknown[] }).tools).toHaveLength(5);

    expect((await send('DELETE', { 'mcp-session-id': id })).status).toBe(200);
    const ended = await send('POST', { 'mcp-session-id': id }, toolsList);
    expect([ended.status, codeOf(ended.message)]).toEqual([404, -31404]);
    expect(ended.message.id).toBe(2);
  });

  it('answers a request without a session id with 400, and an unknown id with 404', async () => {
    const missing = await send('POST', {}, toolsList);
    expect([missing.status, codeOf(missing.message)]).toEqual([400, -32600]);
    const unknown = await send('POST', { 'mcp-session-id': 'AAAAAAAAAAAAAAAAAAAAAA' }, toolsList);
    expect([unknown.status, codeOf(unknown.message)]).toEqual([404, -31404]);
    const stream = await send('GET', { accept: 'text/event-stream' });
    expect([stream.status, codeOf(stream.message)]).toEqual([400, -32600]);
    const end = await send('DELETE', { 'mcp-session-id': 'not a session id' });
    expect([end.status, codeOf(end.message)]).toEqual([404, -31404]);
  });

  it('opens the GET notification stream of a session', async () => {
    const id = (await send('POST', {}, initialize)).headers.get('mcp-session-id') ?? '';
    const controller = new AbortController();
    const stream = await fetch(app.mcpUrl, {
      headers: { accept: 'text/event-stream', 'mcp-session-id': id },
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(app.sessions.registry.stats.inUse).toBeGreaterThan(0);
    controller.abort();
    await send('DELETE', { 'mcp-session-id': id });
  });

  it('exposes Mcp-Session-Id to allowed browser origins', async () => {
    const response = await send('POST', { origin: 'http://localhost:6274' }, initialize);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:6274');
    expect(response.headers.get('access-control-expose-headers')).toContain('Mcp-Session-Id');
  });

  it('keeps the two lanes apart: a 2026-07-28 request never makes a session', async () => {
    const before = app.sessions.registry.stats.created;
    const modern = await fetch(app.mcpUrl, {
      method: 'POST',
      headers: {
        ...JSON_HEADERS,
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'tools/list',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/list',
        params: {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      }),
    });
    expect(modern.status).toBe(200);
    expect(modern.headers.has('mcp-session-id')).toBe(false);
    await modern.body?.cancel();
    expect(app.sessions.registry.stats.created).toBe(before);
  });

  it('serves probes, turns readiness to 503 while draining, and refuses new MCP work', async () => {
    const draining = await startApp();
    try {
      expect((await fetch(`${draining.url}/ready`)).status).toBe(200);
      draining.drain.begin();
      expect((await fetch(`${draining.url}/ready`)).status).toBe(503);
      expect((await fetch(`${draining.url}/health`)).status).toBe(200);
      const refused = await fetch(draining.mcpUrl, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: initialize,
      });
      expect([refused.status, refused.headers.get('retry-after')]).toEqual([503, '1']);
    } finally {
      await draining.close();
    }
  });
});
