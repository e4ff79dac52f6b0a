/**
 * Sessions are not authentication: with AUTH_MODE=apikey each session belongs to the key's
 * principal, and presenting its id with another key (or none) gets nothing.
 */
import { hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

const alice = mintApiKey();
const bob = mintApiKey();
let app: RunningApp;
beforeAll(async () => {
  app = await startApp({
    AUTH_MODE: 'apikey',
    API_KEYS: [
      `alice:tickets:write:${hashApiKey(alice)}`,
      `bob:tickets:write:${hashApiKey(bob)}`,
    ].join(','),
  });
});
afterAll(() => app.close());

function post(headers: Record<string, string>, body: unknown): Promise<Response> {
  return fetch(app.mcpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
      ...headers,
    },
    body: JSON.stringify(body),
  });
}
const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'raw', version: '1' },
  },
};
const toolsList = { jsonrpc: '2.0', id: 2, method: 'tools/list' };

describe('AUTH_MODE=apikey with sessions', () => {
  it('runs the SDK client on a session as the key principal', async () => {
    const client = new Client({ name: 'alice-bot', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(app.mcpUrl, {
      requestInit: { headers: { authorization: `Bearer ${alice}` } },
    });
    await client.connect(transport);
    expect(transport.sessionId).toBeTruthy();
    const created = await client.callTool({ name: 'create_ticket', arguments: { title: 'Mine' } });
    expect((created.structuredContent as { reporter: string }).reporter).toBe('alice');
    await client.close();
  });

  it('refuses the session to another principal and to anonymous callers, as if it did not exist', async () => {
    const created = await post({ authorization: `Bearer ${alice}` }, initialize);
    const id = created.headers.get('mcp-session-id') ?? '';
    await created.body?.cancel();
    expect(id).toBeTruthy();

    const stolen = await post({ authorization: `Bearer ${bob}`, 'mcp-session-id': id }, toolsList);
    expect(stolen.status).toBe(404);
    expect(((await stolen.json()) as { error: { code: number } }).error.code).toBe(-31404);
    const deleteByBob = await fetch(app.mcpUrl, {
      method: 'DELETE',
      headers: { 'x-api-key': bob, 'mcp-session-id': id },
    });
    expect(deleteByBob.status).toBe(404);
    const anonymous = await post({ 'mcp-session-id': id }, toolsList);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(app.sessions.registry.stats.ownerMismatch).toBe(2);

    // The owner still has it: the refusals above changed nothing.
    const own = await post({ authorization: `Bearer ${alice}`, 'mcp-session-id': id }, toolsList);
    expect(own.status).toBe(200);
    await own.body?.cancel();
  });

  it('keeps every key out of the logs', () => {
    expect(app.logs()).toContain('"msg":"request"');
    for (const key of [alice, bob]) expect(app.logs()).not.toContain(key);
  });
});
