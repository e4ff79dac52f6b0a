import { spawnServer } from '@mcp-runway/testing/process';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { expect, it } from 'vitest';

const entry = new URL('../dist/local.js', import.meta.url).pathname;

it('serves the function app on loopback for local development (pnpm start)', async () => {
  const server = await spawnServer(entry, {
    fixtureServerFor: '@mcp-runway/example-server',
    env: { LOG_LEVEL: 'info' },
  });
  try {
    const client = new Client({ name: 'local-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', server.url)));
    const result = await client.callTool({ name: 'echo', arguments: { text: 'local' } });
    expect(result.structuredContent).toEqual({ text: 'local' });
    await client.close();
  } finally {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }
});
