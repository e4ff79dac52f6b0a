/**
 * Sessions are not authentication: with AUTH_MODE=apikey each session belongs to the key's
 * principal, and presenting its id with another key (or none) gets nothing. Tool scopes still
 * apply per call inside a session (the fixture server's fixture_write needs fixture:write).
 */
import { hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { FIXTURE_WRITE_SCOPE } from '@mcp-runway/testing/fixture-server';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

const alice = mintApiKey();
const bob = mintApiKey();
let app: RunningApp;
beforeAll(async () => {
  app = await startApp({
    AUTH_MODE: 'apikey',
    // Alice's key carries the scope fixture_write needs; Bob's carries none.
    API_KEYS: `alice:${FIXTURE_WRITE_SCOPE}:${hashApiKey(alice)},bob::${hashApiKey(bob)}`,
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
    const caller = await client.callTool({ name: 'whoami', arguments: {} });
    expect(caller.structuredContent).toEqual({ id: 'alice', scopes: [FIXTURE_WRITE_SCOPE] });
    const written = await client.callTool({ name: 'fixture_write', arguments: {} });
    expect(written.isError).not.toBe(true);
    await client.close();
  });

  it('asks a session whose key lacks the tool scope to step up, and keeps the session', async () => {
    const created = await post({ authorization: `Bearer ${bob}` }, initialize);
    const id = created.headers.get('mcp-session-id') ?? '';
    await created.body?.cancel();
    const call = (name: string) =>
      post(
        { authorization: `Bearer ${bob}`, 'mcp-session-id': id },
        { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name, arguments: {} } },
      );

    const refused = await call('fixture_write');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(
      new RegExp(`error="insufficient_scope".*scope="${FIXTURE_WRITE_SCOPE}"`),
    );
    await refused.body?.cancel();
    const allowed = await call('whoami');
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('"id":"bob"');
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
