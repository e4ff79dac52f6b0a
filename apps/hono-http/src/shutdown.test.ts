import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { modern } from '@mcp-runway/testing';
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

  it('answers calls still running at the deadline with a JSON-RPC error, then exits 1', async () => {
    const app = await spawnApp({ SHUTDOWN_TIMEOUT_MS: '500' });
    // 10 s of work, reporting progress every 200 ms (a progress token makes the answer SSE).
    const slow = { name: 'slow', arguments: { steps: 50, stepMs: 200 } };
    // A 2025 call through the SDK client (an SSE answer, under way)...
    const client = await connect(app.url);
    const legacyCall = client.callTool(slow).catch((error: unknown) => error);
    // ...and two 2026-07-28 calls: one answered as JSON (not started yet), one as SSE.
    const json = modern('tools/call', slow);
    const sse = modern('tools/call', { ...slow, _meta: { progressToken: 'p' } });
    // Each answer read to its end, or the error the connection ended in (a reset, before).
    const post = (request: { headers: Record<string, string>; body: string }) =>
      fetch(new URL('/mcp', app.url), { method: 'POST', ...request })
        .then(async (response) => ({ status: response.status, text: await response.text() }))
        .catch((error: unknown) => ({ status: 0, text: String(error) }));
    const jsonAnswer = post(json);
    const sseAnswer = post(sse);
    await new Promise((resolve) => setTimeout(resolve, 300));
    app.child.kill('SIGTERM');

    const jsonReply = await jsonAnswer;
    expect(jsonReply.status).toBe(503);
    expect(JSON.parse(jsonReply.text)).toEqual({
      jsonrpc: '2.0',
      id: JSON.parse(json.body).id,
      error: { code: -31503, message: expect.stringMatching(/shut down/) },
    });
    const sseReply = await sseAnswer;
    expect(sseReply.status).toBe(200);
    const events = sseReply.text
      .split('\n')
      .filter((line) => line.startsWith('data: {'))
      .map((line) => JSON.parse(line.slice(6)) as { id?: unknown; error?: { code: number } });
    expect(events.at(-1)).toMatchObject({ id: JSON.parse(sse.body).id, error: { code: -31503 } });
    expect(await legacyCall).toMatchObject({
      code: -31503,
      message: expect.stringMatching(/shut down/),
    });

    expect(await app.exited).toBe(1);
    expect(app.logs().map((line) => line.msg)).toContain(
      'drain deadline passed: calls in flight answered with an error, connections closing',
    );
    await client.close();
  });

  it('takes a signal right behind the first as the same one, and exits at once on a second signal later', async () => {
    const app = await spawnApp({ SHUTDOWN_TIMEOUT_MS: '60000', LOG_LEVEL: 'debug' });
    const client = await connect(app.url);
    const call = client
      .callTool({ name: 'slow', arguments: { steps: 5, stepMs: 5000 } })
      .catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Ctrl-C through a runner: the terminal's SIGINT and the runner's forwarded copy.
    app.child.kill('SIGTERM');
    app.child.kill('SIGINT');
    const repeated = 'repeated shutdown signal: already draining';
    while (!app.logs().some((line) => line.msg === repeated)) {
      if (app.child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(app.child.exitCode).toBe(null); // still draining the call in flight
    // A second Ctrl-C, past the 1 s repeat window of the first (logged before we saw it).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
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
