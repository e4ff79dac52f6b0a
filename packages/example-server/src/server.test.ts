import {
  Client,
  InMemoryTransport,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import { createMcpHandler, type McpHttpHandler } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerFactory, serverModule, toolPolicies, WRITE_SCOPE } from './index.js';
import { serverChecks } from './testing.js';

const clientInfo = { name: 'example-server-test', version: '1.0.0' };

describe('over an in-memory 2025-11-25 connection', () => {
  const client = new Client(clientInfo);
  beforeAll(async () => {
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await createServerFactory({ reportStepMs: 20 })().connect(serverTransport);
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
    handler = createMcpHandler(createServerFactory({ reportStepMs: 20 }));
    const authInfo = {
      token: 'not-logged',
      clientId: 'ci-client',
      scopes: [WRITE_SCOPE],
      extra: { sub: 'user-7' },
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
    it(check.name, () => check.run({ client, expectedCaller: 'user-7' }));

  it('answers upstream_profile with a tool error when no upstream account is linked', async () => {
    const result = await client.callTool({ name: 'upstream_profile', arguments: {} });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('OAUTH_SERVER=builtin');
  });
});

describe('tool policies', () => {
  it('requires the write scope for every tool that is not read-only', async () => {
    const client = new Client(clientInfo);
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await createServerFactory()().connect(serverTransport);
    await client.connect(clientTransport);
    const { tools } = await client.listTools();
    for (const tool of tools) {
      const expected = tool.annotations?.readOnlyHint ? [] : [WRITE_SCOPE];
      expect([tool.name, toolPolicies[tool.name]?.scopes]).toEqual([tool.name, expected]);
    }
    await client.close();
  });
});

describe('serverModule, as the apps mount it', () => {
  it('names every tool with its policy', () => {
    expect([...serverModule.toolNames].sort()).toEqual(Object.keys(toolPolicies).sort());
  });

  it('builds servers from the settings it is given', async () => {
    const factory = serverModule.createServerFactory({ settings: { REPORT_STEP_MS: 1 } });
    const client = new Client(clientInfo);
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await factory().connect(serverTransport);
    await client.connect(clientTransport);
    const result = await client.callTool({ name: 'generate_report', arguments: {} });
    expect(result.isError).not.toBe(true);
    await client.close();
  });

  it('refuses settings its piece does not accept', () => {
    expect(() => serverModule.createServerFactory({ settings: { REPORT_STEP_MS: -1 } })).toThrow(
      /REPORT_STEP_MS/,
    );
  });
});
