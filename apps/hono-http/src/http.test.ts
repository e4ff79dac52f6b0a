/**
 * The composition (app.ts) over a real socket with the official SDK client, in both eras:
 * the pipeline fixture server's checks (progress over SSE, cancellation, errors, the verified
 * caller), and once, the checks of the server this app ships with.
 */
import { serverModule } from '@mcp-runway/example-server';
import { checkSettings, serverChecks } from '@mcp-runway/example-server/testing';
import { fixtureChecks } from '@mcp-runway/testing/fixture-server';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

let app: RunningApp;
let example: RunningApp;
beforeAll(async () => {
  [app, example] = await Promise.all([
    startApp(),
    startApp({ ...checkSettings }, { server: serverModule }),
  ]);
});
afterAll(() => Promise.all([app?.close(), example?.close()]));

const clients = [
  { label: '2025-11-25 client (default negotiation)', era: 'legacy', options: {} },
  {
    label: 'client with versionNegotiation auto',
    era: 'modern',
    options: { versionNegotiation: { mode: 'auto' } },
  },
  {
    label: 'client pinned to 2026-07-28',
    era: 'modern',
    options: { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  },
] as const;

// The server the app mounts is swappable: the pipeline is checked with the fixture server, and
// the server the app ships with runs its own checks here, its only use in this app's tests.
const servers = [
  { label: 'the fixture server', running: () => app, checks: fixtureChecks, caller: 'anonymous' },
  { label: 'its own server', running: () => example, checks: serverChecks, caller: 'local' },
] as const;

for (const { label, era, options } of clients) {
  for (const server of servers) {
    describe(`hono-http with ${server.label} over a real socket, ${label}`, () => {
      const client = new Client({ name: 'hono-http-test', version: '1.0.0' }, options);
      beforeAll(() => client.connect(new StreamableHTTPClientTransport(server.running().mcpUrl)));
      afterAll(() => client.close());

      it(`negotiates the ${era} era`, () => expect(client.getProtocolEra()).toBe(era));
      for (const check of server.checks)
        it(check.name, () => check.run({ client, expectedCaller: server.caller }));
    });
  }
}

describe('hono-http pipeline', () => {
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
  const post = (headers: Record<string, string> = {}) =>
    fetch(app.mcpUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
      body: initialize,
    });

  it('sets security headers and a request id on every response', async () => {
    for (const response of [
      await post(),
      await fetch(`${app.url}/nope`),
      await fetch(`${app.url}/health`),
    ]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.has('x-powered-by')).toBe(false);
      expect(response.headers.get('x-request-id')).toMatch(/^[\w-]{36}$/);
      await response.body?.cancel();
    }
  });

  it('keeps a well-formed incoming request id and replaces a malformed one', async () => {
    expect((await post({ 'x-request-id': 'lb-7f3a.1' })).headers.get('x-request-id')).toBe(
      'lb-7f3a.1',
    );
    expect(
      (await post({ 'x-request-id': 'bad id <script>' })).headers.get('x-request-id'),
    ).not.toContain('bad');
  });

  it('answers a CORS preflight from an allowed origin with the MCP headers', async () => {
    const response = await fetch(app.mcpUrl, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:6274');
    const allowed = response.headers.get('access-control-allow-headers') ?? '';
    for (const header of [
      'Content-Type',
      'Authorization',
      'Mcp-Session-Id',
      'MCP-Protocol-Version',
      'Mcp-Method',
      'Mcp-Name',
      'Last-Event-ID',
    ]) {
      expect(allowed).toContain(header);
    }
  });

  it('exposes the session and challenge headers to allowed browser origins, never with *', async () => {
    const response = await post({ origin: 'http://127.0.0.1:5173' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(response.headers.get('access-control-expose-headers')).toContain('Mcp-Session-Id');
    expect(response.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    await response.body?.cancel();
  });

  it('refuses a preflight from an unknown origin', async () => {
    const response = await fetch(app.mcpUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.has('access-control-allow-origin')).toBe(false);
  });

  it('serves probes whatever the Host header, as a pod IP reaches them', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(`${app.url}/ready`, { headers: { host: '10.42.0.17:3000' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject).end();
    });
    expect(status).toBe(200);
  });

  it('turns readiness to 503 while draining, leaving liveness at 200', async () => {
    const draining = await startApp();
    try {
      draining.drain.begin();
      expect((await fetch(`${draining.url}/ready`)).status).toBe(503);
      expect((await fetch(`${draining.url}/health`)).status).toBe(200);
      const refused = await fetch(draining.mcpUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: initialize,
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await refused.json()) as { error: { code: number } }).error.code).toBe(-31503);
    } finally {
      await draining.close();
    }
  });
});
