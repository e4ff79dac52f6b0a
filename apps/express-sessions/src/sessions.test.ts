/**
 * The two lanes through the whole pipeline, with the fixture server mounted: the SDK client
 * in both eras, one server factory behind both, and the 2025 session rules (ids, 400 without
 * one, 404 unknown or ended, DELETE, the GET stream, CORS exposure).
 */
import type { ServerModule } from '@mcp-runway/example-server';
import {
  fixtureChecks,
  fixtureServerModule,
  fixtureToolNames,
} from '@mcp-runway/testing/fixture-server';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

const clients = [
  { label: '2025-11-25 client (default negotiation)', era: 'legacy', options: {} },
  {
    label: 'client pinned to 2026-07-28',
    era: 'modern',
    options: { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  },
] as const;

// Progress over SSE, cancellation, isError results and the caller, on each lane.
for (const { label, era, options } of clients) {
  describe(`the pipeline on the ${era} lane, ${label}`, () => {
    const client = new Client({ name: 'express-sessions-test', version: '1.0.0' }, options);
    beforeAll(() => client.connect(new StreamableHTTPClientTransport(app.mcpUrl)));
    afterAll(() => client.close());

    for (const check of fixtureChecks)
      it(check.name, () => check.run({ client, expectedCaller: 'anonymous' }));
  });
}

describe('one server factory behind both lanes', () => {
  it('builds the factory once and serves both eras from it', async () => {
    let factories = 0;
    let servers = 0;
    const counted: ServerModule = {
      ...fixtureServerModule,
      createServerFactory(options) {
        factories += 1;
        const build = fixtureServerModule.createServerFactory(options);
        return () => {
          servers += 1;
          return build();
        };
      },
    };
    const shared = await startApp({}, { server: counted });
    const legacy = new Client({ name: 'legacy', version: '1.0.0' });
    const modern = new Client(
      { name: 'modern', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    try {
      const before = servers;
      await legacy.connect(new StreamableHTTPClientTransport(shared.mcpUrl));
      const afterSession = servers;
      await modern.connect(new StreamableHTTPClientTransport(shared.mcpUrl));
      await modern.callTool({ name: 'echo', arguments: { text: 'modern' } });
      // Each lane built its servers from the one factory (state a server keeps is shared).
      expect(factories).toBe(1);
      expect(afterSession).toBeGreaterThan(before);
      expect(servers).toBeGreaterThan(afterSession);
    } finally {
      await Promise.all([legacy.close(), modern.close()]);
      await shared.close();
    }
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
    const { tools } = listed.message.result as { tools: { name: string }[] };
    expect(tools.map((tool) => tool.name)).toEqual(fixtureToolNames);

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
