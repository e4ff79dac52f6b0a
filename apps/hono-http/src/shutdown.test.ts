import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { spawnApp } from './test/spawn.js';

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'late', version: '1' },
  },
});

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'shutdown-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', url)));
  return client;
}

describe('graceful shutdown', () => {
  it('finishes the call in flight, refuses new work with 503, then exits 0 before the deadline', async () => {
    const app = await spawnApp({ SHUTDOWN_TIMEOUT_MS: '8000' });
    const client = await connect(app.url);
    let signalledAt = 0;
    let lateReady = 0;
    let latePost = 0;
    const result = await client.callTool(
      { name: 'slow', arguments: { steps: 5, stepMs: 250 } },
      {
        onprogress: async (progress) => {
          if (progress.progress !== 1) return;
          signalledAt = performance.now();
          app.child.kill('SIGTERM');
          await new Promise((resolve) => setTimeout(resolve, 100));
          lateReady = (await fetch(`${app.url}/ready`)).status;
          latePost = (
            await fetch(`${app.url}/mcp`, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                accept: 'application/json, text/event-stream',
              },
              body: initialize,
            })
          ).status;
        },
      },
    );
    expect(result.isError).not.toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: 'done after 5 steps' }]);
    expect(lateReady).toBe(503);
    expect(latePost).toBe(503);
    expect(await app.exited).toBe(0);
    expect(performance.now() - signalledAt).toBeLessThan(8000);
    expect(app.logs().map((line) => line.msg)).toEqual(
      expect.arrayContaining(['draining', 'stopped']),
    );
    await client.close();
  });

  it('exits 1 when calls are still running at the deadline', async () => {
    const app = await spawnApp({ SHUTDOWN_TIMEOUT_MS: '300' });
    const client = await connect(app.url);
    const call = client
      .callTool({ name: 'slow', arguments: { steps: 5, stepMs: 5000 } })
      .catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 200));
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(1);
    expect(app.logs().map((line) => line.msg)).toContain(
      'drain deadline passed: closing open connections',
    );
    // The cut stream leaves the SDK client waiting for its request timeout; closing it settles the call.
    await client.close();
    expect(await call).toBeInstanceOf(Error);
  });

  it('exits at once on a second signal', async () => {
    const app = await spawnApp({ SHUTDOWN_TIMEOUT_MS: '60000' });
    const client = await connect(app.url);
    const call = client
      .callTool({ name: 'slow', arguments: { steps: 5, stepMs: 5000 } })
      .catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 200));
    app.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    app.child.kill('SIGINT');
    expect(await app.exited).toBe(1);
    await client.close();
    expect(await call).toBeInstanceOf(Error);
  });
});

describe('startup configuration', () => {
  const entry = fileURLToPath(new URL('../dist/main.js', import.meta.url));

  it('refuses a public bind without ALLOWED_HOSTS, with a message saying what to set', () => {
    const child = spawnSync(process.execPath, [entry], {
      env: { ...process.env, HOST: '0.0.0.0', PORT: '0' },
      encoding: 'utf8',
    });
    expect(child.status).toBe(1);
    expect(child.stderr).toMatch(/ALLOWED_HOSTS: required when HOST=0\.0\.0\.0/);
  });

  it('refuses a public bind with no authentication unless told it is deliberate', async () => {
    const env = { ...process.env, HOST: '0.0.0.0', PORT: '0', ALLOWED_HOSTS: 'mcp.example.com' };
    const open = spawnSync(process.execPath, [entry], { env, encoding: 'utf8' });
    expect(open.status).toBe(1);
    expect(open.stderr).toMatch(/AUTH_MODE: is none while HOST=0\.0\.0\.0/);
    const deliberate = await spawnApp({
      HOST: '0.0.0.0',
      ALLOWED_HOSTS: 'mcp.example.com',
      ALLOW_UNAUTHENTICATED: 'true',
    });
    expect(deliberate.logs().map((line) => line.msg)).toContain('listening');
    deliberate.child.kill('SIGTERM');
    expect(await deliberate.exited).toBe(0);
  });

  it('lists every invalid setting at once', () => {
    const child = spawnSync(process.execPath, [entry], {
      env: { ...process.env, PORT: 'http', BODY_LIMIT: 'lots', MCP_PATH: 'mcp' },
      encoding: 'utf8',
    });
    expect(child.status).toBe(1);
    for (const name of ['PORT', 'BODY_LIMIT', 'MCP_PATH']) expect(child.stderr).toContain(name);
  });
});
