/**
 * handle() on a bare node:http server that parses nothing itself: the registry reads the body,
 * and node-bridge.ts carries the exchange between Node and the web-standard transport (these
 * tests pin what the SDK's own toNodeHandler/toWebRequest would change; see that file).
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toErrorResponse } from '@mcp-runway/errors';
import { fixtureServerModule } from '@mcp-runway/testing/fixture-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionRegistry } from './registry.js';
import { initializeRaw, MCP_HEADERS, messagesOf, post } from './test/raw.js';

let server: Server;
let registry: SessionRegistry;
let url: string;

beforeAll(async () => {
  registry = new SessionRegistry({
    factory: fixtureServerModule.createServerFactory(),
    maxBodyBytes: 2_048,
  });
  server = createServer((req, res) => {
    registry.handle(req, res, undefined).catch((error: unknown) => {
      const { httpStatus, headers, body } = toErrorResponse(error);
      res.writeHead(httpStatus, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
});
afterAll(async () => {
  await registry.closeAll();
  await new Promise((resolve) => server.close(resolve));
});

describe('handle() without a parsed body', () => {
  it('reads and parses the JSON body itself', async () => {
    const id = await initializeRaw(url);
    const response = await post(
      url,
      { jsonrpc: '2.0', id: 4, method: 'ping' },
      { 'mcp-session-id': id },
    );
    expect(await messagesOf(response)).toEqual([{ jsonrpc: '2.0', id: 4, result: {} }]);
  });

  it('answers 400 with -32700 for a body that is not JSON', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: MCP_HEADERS,
      body: '{"jsonrpc":',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32700);
  });

  it('answers 413 for a body over maxBodyBytes', async () => {
    const response = await post(url, {
      jsonrpc: '2.0',
      id: 1,
      method: 'ping',
      params: { pad: 'x'.repeat(4_096) },
    });
    expect(response.status).toBe(413);
  });
});

describe('the bridge between Node and the session transport', () => {
  const stream = (id: string, signal?: AbortSignal) =>
    fetch(url, {
      headers: { accept: 'text/event-stream', 'mcp-session-id': id },
      ...(signal && { signal }),
    });

  it("sends a silent GET stream's headers at once, before its first event", async () => {
    const id = await initializeRaw(url);
    const client = new AbortController();
    // Nothing is written on this stream for 15 s (the first keep-alive).
    const timeout = setTimeout(() => client.abort(new Error('no headers within 2 s')), 2_000);
    const response = await stream(id, client.signal);
    clearTimeout(timeout);
    expect(response.status).toBe(200);
    client.abort();
  });

  it('cancels a stream as soon as its client goes away, so the client can reopen it', async () => {
    const id = await initializeRaw(url);
    const first = new AbortController();
    expect((await stream(id, first.signal)).status).toBe(200);
    first.abort();
    // A transport still holding the old stream answers 409 (one GET stream per session).
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const again = new AbortController();
      status = (await stream(id, again.signal)).status;
      again.abort();
    }
    expect(status).toBe(200);
  });

  it('serves an absolute-form request target (POST http://host/mcp)', async () => {
    const id = await initializeRaw(url);
    const { port } = new URL(url);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'ping' });
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: url,
          headers: { ...MCP_HEADERS, 'mcp-session-id': id },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(200);
  });
});
