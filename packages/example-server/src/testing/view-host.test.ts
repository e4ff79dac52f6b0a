/**
 * The harness's forwarding mode, against a plain HTTP server standing in for a running app:
 * what the page sends reaches the app with the user's credentials added and the browser's
 * Origin dropped, and an SSE answer streams through event by event.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostServer, serveHost } from './view-host.js';

const seen: { method?: string; url?: string; headers?: IncomingHttpHeaders; body?: string } = {};
let sendSecond: () => void = () => undefined;
let app: Server;
let host: HostServer;

beforeAll(async () => {
  app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      Object.assign(seen, {
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      // The second event waits for the test, which has read the first through the proxy.
      sendSecond = () => res.end('data: second\n\n');
    });
  });
  app.listen(0, '127.0.0.1');
  await once(app, 'listening');
  const target = `http://127.0.0.1:${(app.address() as AddressInfo).port}/mcp`;
  host = await serveHost('<!doctype html>', { target, headers: { authorization: 'Bearer k-1' } });
});
afterAll(async () => {
  await host?.close();
  app?.closeAllConnections();
  await new Promise((resolve) => app?.close(resolve));
});

describe('serveHost forwarding /mcp to a running app', () => {
  it('adds the credentials, drops the Origin, and streams the SSE answer as it comes', async () => {
    const mcp = new URL('/mcp', host.url);
    const response = await fetch(mcp, {
      method: 'POST',
      headers: {
        origin: mcp.origin,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-11-25',
      },
      body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(seen).toMatchObject({
      method: 'POST',
      url: '/mcp',
      body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
    });
    expect(seen.headers).toMatchObject({
      authorization: 'Bearer k-1',
      'mcp-protocol-version': '2025-11-25',
      accept: 'application/json, text/event-stream',
    });
    expect(seen.headers?.origin).toBeUndefined();

    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe('data: first\n\n');
    sendSecond();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += decoder.decode(chunk.value);
    }
    expect(rest).toBe('data: second\n\n');
  });

  it('serves the page at / and nothing but /mcp besides', async () => {
    expect(await (await fetch(host.url)).text()).toBe('<!doctype html>');
    expect((await fetch(new URL('/elsewhere', host.url))).status).toBe(404);
  });
});
