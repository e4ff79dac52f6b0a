/**
 * The lane split hands each lane the message `mcpPost` parsed, as it is. Here a message stands
 * in for the parsed body (no depth cap in front), nested deeper than JSON.stringify can
 * serialise: any step that serialised it again on its way to the SDK would fail with a 500.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDrain, type McpPost } from '@mcp-runway/http';
import { createLogger } from '@mcp-runway/logging';
import { SessionRegistry } from '@mcp-runway/sessions';
import { initialize, legacy, modern } from '@mcp-runway/testing';
import { fixtureServerModule } from '@mcp-runway/testing/fixture-server';
import { createMcpHandler } from '@modelcontextprotocol/server';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppLocals } from './app.js';
import { mcpLanes } from './lanes.js';

const logger = createLogger({ name: 'lanes-test', level: 'silent' });
const factory = fixtureServerModule.createServerFactory();
const modernLane = createMcpHandler(factory, { legacy: 'reject' });
const sessions = new SessionRegistry({ factory, logger });

/** An array nested 100,000 deep: JSON.parse builds it, JSON.stringify overflows the stack. */
function deepArray(depth: number): unknown[] {
  const root: unknown[] = [];
  let inner = root;
  for (let level = 1; level < depth; level++) {
    const next: unknown[] = [];
    inner.push(next);
    inner = next;
  }
  return root;
}
const deep = deepArray(100_000);

let server: Server;
let url: string;
beforeAll(async () => {
  const app = express();
  // Stands in for the pipeline in front of the lanes: the body, parsed and classified.
  app.post('/mcp', express.text({ type: '*/*' }), (req, res, next) => {
    const locals = res.locals as AppLocals;
    locals.log = logger;
    const message = JSON.parse(req.body as string) as Record<string, unknown>;
    const params = (message.params ?? {}) as Record<string, unknown>;
    if (params.deep === true) params.deep = deep;
    const post: McpPost = {
      message,
      method: message.method as string,
      id: message.id as number,
      toolName: undefined,
      era: req.get('mcp-protocol-version') === '2026-07-28' ? 'modern' : 'legacy',
      protocolVersion: undefined,
    };
    locals.mcp = post;
    next();
  });
  app.post(
    '/mcp',
    mcpLanes({ sessions, modern: modernLane, caller: () => 'ip:127.0.0.1', drain: createDrain() }),
  );
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await sessions.closeAll();
  await modernLane.close();
});

describe('mcpLanes', () => {
  it('hands the 2026-07-28 lane the parsed message, never serialised again', async () => {
    const request = modern('tools/list', { deep: true });
    const response = await fetch(url, { method: 'POST', ...request });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('"tools"');
  });

  it('hands a 2025 session the parsed message, never serialised again', async () => {
    const start = initialize();
    const created = await fetch(url, { method: 'POST', ...start });
    const sessionId = created.headers.get('mcp-session-id') ?? '';
    await created.text();
    expect(sessionId).not.toBe('');
    const request = legacy('tools/list', { deep: true }, { sessionId });
    const response = await fetch(url, { method: 'POST', ...request });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('"tools"');
  });
});
