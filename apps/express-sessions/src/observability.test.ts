/**
 * Observability on the session lane: the built app's private metrics listener reports the 2025
 * sessions it holds, the tool calls they make, and how sessions end and how long they lasted. The process serves the
 * fixture server (see test/spawn.ts).
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpawnedApp, spawnApp } from './test/spawn.js';

let app: SpawnedApp;
let metricsUrl: string;
beforeAll(async () => {
  app = await spawnApp();
  const line = app.logs().find((entry) => entry.msg === 'metrics listening') as
    | { url?: string }
    | undefined;
  metricsUrl = line?.url ?? '';
});
afterAll(async () => {
  app.child.kill('SIGTERM');
  await app.exited;
});

async function sample(name: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? 0);
}

describe('session metrics', () => {
  it('serves metrics on their own listener, not on the MCP port', async () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(metricsUrl).port).not.toBe(new URL(app.url).port);
    expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
  });

  it('counts sessions while they live and tool calls made in them', async () => {
    const createdBefore = await sample('mcp_sessions_created_total');
    const client = new Client({ name: 'observer', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL('/mcp', app.url));
    await client.connect(transport);
    await client.callTool({ name: 'echo', arguments: { text: 'counted' } });
    expect(await sample('mcp_sessions_active')).toBe(1);
    expect((await sample('mcp_sessions_created_total')) - createdBefore).toBe(1);
    expect(await sample('mcp_sessions_max')).toBe(10_000);
    expect(
      await sample(
        'mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call",gen_ai_tool_name="echo",gen_ai_operation_name="execute_tool",mcp_protocol_version="2025-11-25",network_transport="tcp",network_protocol_name="http"}',
      ),
    ).toBe(1);
    const session =
      'mcp_server_session_duration_seconds_count{mcp_protocol_version="2025-11-25",network_transport="tcp",network_protocol_name="http"}';
    expect(await sample(session)).toBe(0);
    await transport.terminateSession();
    await client.close();
    expect(await sample('mcp_sessions_active')).toBe(0);
    // Ended by DELETE: one sample of mcp.server.session.duration.
    expect(await sample(session)).toBe(1);
  });
});
