import {
  Client,
  InMemoryTransport,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import { createMcpHandler, type McpHttpHandler } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverModule } from './index.js';
import { serverChecks } from './testing.js';

const clientInfo = { name: 'server-test', version: '1.0.0' };

describe('over an in-memory 2025-11-25 connection', () => {
  const client = new Client(clientInfo);
  beforeAll(async () => {
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await serverModule.createServerFactory()().connect(serverTransport);
    await client.connect(clientTransport);
  });
  afterAll(() => client.close());

  it('negotiates the legacy era', () => expect(client.getProtocolEra()).toBe('legacy'));
  for (const check of serverChecks)
    it(check.name, () => check.run({ client, expectedCaller: 'local' }));
});

describe('over createMcpHandler with a 2026-07-28 client and auth info', () => {
  let handler: McpHttpHandler;
  const client = new Client(clientInfo, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  beforeAll(async () => {
    handler = createMcpHandler(serverModule.createServerFactory());
    const authInfo = {
      token: 'not-logged',
      clientId: 'ci-client',
      scopes: [],
      extra: { sub: 'u-7' },
    };
    const transport = new StreamableHTTPClientTransport(new URL('http://example.test/mcp'), {
      fetch: (url, init) => handler.fetch(new Request(url, init), { authInfo }),
    });
    await client.connect(transport);
  });
  afterAll(async () => {
    await client.close();
    await handler.close();
  });

  it('negotiates the modern era', () => expect(client.getProtocolEra()).toBe('modern'));
  for (const check of serverChecks)
    it(check.name, () => check.run({ client, expectedCaller: 'u-7' }));
});

describe('serverModule, as the apps mount it', () => {
  it('declares a policy for every tool it lists', () => {
    expect([...serverModule.toolNames].sort()).toEqual(
      Object.keys(serverModule.toolPolicies).sort(),
    );
  });
});
