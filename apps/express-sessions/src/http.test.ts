/**
 * The one test of the real MCP server in this app: `serverModule` mounted as main.ts mounts it,
 * and its own client checks (`serverChecks`) run through this app's transport, in both eras.
 * Everything else here tests the pipeline with the fixture server. Replace the example's
 * tools with yours, and this file runs your package's checks instead.
 */
import { serverModule } from '@mcp-runway/example-server';
import { checkSettings, serverChecks } from '@mcp-runway/example-server/testing';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ ...checkSettings }, { server: serverModule });
});
afterAll(() => app.close());

const clients = [
  {
    label: '2025-11-25 client (default negotiation)',
    era: 'legacy',
    session: true,
    options: {},
  },
  {
    label: 'client with versionNegotiation auto',
    era: 'modern',
    session: false,
    options: { versionNegotiation: { mode: 'auto' } },
  },
  {
    label: 'client pinned to 2026-07-28',
    era: 'modern',
    session: false,
    options: { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  },
] as const;

for (const { label, era, session, options } of clients) {
  describe(`the example server over a real socket, ${label}`, () => {
    const client = new Client({ name: 'express-sessions-test', version: '1.0.0' }, options);
    let transport: StreamableHTTPClientTransport;
    beforeAll(async () => {
      transport = new StreamableHTTPClientTransport(app.mcpUrl);
      await client.connect(transport);
    });
    afterAll(() => client.close());

    it(`negotiates the ${era} era ${session ? 'with' : 'without'} a session`, () => {
      expect(client.getProtocolEra()).toBe(era);
      if (session) expect(transport.sessionId).toMatch(/^[\w-]{22}$/);
      else expect(transport.sessionId).toBeUndefined();
    });
    for (const check of serverChecks)
      it(check.name, () => check.run({ client, expectedCaller: 'local' }));
  });
}
