/** handle() on a bare node:http server that parses nothing itself: the registry reads the body. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toErrorResponse } from '@mcp-runway/errors';
import { createServerFactory } from '@mcp-runway/example-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionRegistry } from './registry.js';
import { initializeRaw, MCP_HEADERS, messagesOf, post } from './test/raw.js';

let server: Server;
let registry: SessionRegistry;
let url: string;

beforeAll(async () => {
  registry = new SessionRegistry({ factory: createServerFactory(), maxBodyBytes: 2_048 });
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
