/**
 * The registry behind a real loopback server, driven by the official SDK client (2025
 * negotiation) and by raw HTTP where the client cannot say what we need to send.
 */
import { fixtureChecks, fixtureToolNames } from '@mcp-runway/testing/fixture-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from './test/client.js';
import { type Instance, PRINCIPAL_HEADER, startInstance } from './test/instance.js';
import { initializeRequest, post } from './test/raw.js';

let instance: Instance;
beforeAll(async () => {
  instance = await startInstance();
});
afterAll(() => instance.close());

describe('a session through the registry, with the SDK client', () => {
  let session: TestClient;
  beforeAll(async () => {
    session = await connectClient(instance.url, 'alice');
  });
  afterAll(() => session.client.close());

  it('negotiates the 2025 era and gets a 128-bit session id', () => {
    expect(session.client.getProtocolEra()).toBe('legacy');
    expect(session.transport.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  for (const check of fixtureChecks)
    it(check.name, () => check.run({ client: session.client, expectedCaller: 'alice' }));
});

describe('requests the registry refuses', () => {
  it('answers an unknown session id with 404 and a JSON-RPC error body', async () => {
    const response = await post(
      instance.url,
      { jsonrpc: '2.0', id: 7, method: 'tools/list' },
      {
        'mcp-session-id': 'no-such-session',
      },
    );
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -31404, message: 'Session not found: send initialize to start a new session' },
    });
  });

  it('answers a request without a session id with 400', async () => {
    const response = await post(instance.url, { jsonrpc: '2.0', id: 8, method: 'tools/list' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32600);
    const get = await fetch(instance.url, { headers: { accept: 'text/event-stream' } });
    expect(get.status).toBe(400);
  });

  it('answers methods other than GET, POST and DELETE with 405', async () => {
    const response = await fetch(instance.url, { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST, DELETE');
  });

  it('does not keep a session for an initialize the SDK refuses', async () => {
    const before = instance.registry.stats;
    const response = await post(instance.url, { ...initializeRequest, params: { bogus: true } });
    expect(response.status).toBe(400);
    expect(response.headers.get('mcp-session-id')).toBeNull();
    expect(instance.registry.stats.active).toBe(before.active);
    expect(instance.registry.stats.created).toBe(before.created);
  });
});

describe('DELETE', () => {
  it('ends the session, closes its server, and the id then answers 404', async () => {
    const { client, transport } = await connectClient(instance.url);
    const id = transport.sessionId ?? '';
    const server = instance.servers.at(-1);
    expect(server?.isConnected()).toBe(true);
    const deleted = instance.registry.stats.deleted;

    await transport.terminateSession();
    expect(instance.registry.stats.deleted).toBe(deleted + 1);
    expect(server?.isConnected()).toBe(false);
    const after = await post(
      instance.url,
      { jsonrpc: '2.0', id: 2, method: 'ping' },
      {
        'mcp-session-id': id,
      },
    );
    expect(after.status).toBe(404);
    await client.close();
  });
});

describe('principal binding', () => {
  it("refuses another principal's use of a session with 404, and keeps serving its owner", async () => {
    const owner = await connectClient(instance.url, 'alice');
    const id = owner.transport.sessionId ?? '';
    const mismatches = instance.registry.stats.ownerMismatch;

    for (const headers of [{ [PRINCIPAL_HEADER]: 'mallory' }, {}]) {
      const response = await post(
        instance.url,
        { jsonrpc: '2.0', id: 3, method: 'tools/list' },
        {
          'mcp-session-id': id,
          ...headers,
        },
      );
      expect(response.status).toBe(404);
    }
    const del = await fetch(instance.url, {
      method: 'DELETE',
      headers: { 'mcp-session-id': id, [PRINCIPAL_HEADER]: 'mallory' },
    });
    expect(del.status).toBe(404);
    expect(instance.registry.stats.ownerMismatch).toBe(mismatches + 3);

    const { tools } = await owner.client.listTools();
    expect(tools.length).toBe(fixtureToolNames.length);
    await owner.client.close();
  });
});
