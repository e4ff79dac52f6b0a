/**
 * The built app as its own process, started the way the nginx integration test starts it
 * (PORT, HOST=127.0.0.1, REDIS_URL, LOG_FORMAT=json; ready once it logs "listening" with
 * `address.port`, serving the fixture server), then stopped with SIGTERM while a 2025 session
 * holds its GET stream open and a call runs on it.
 */
import { modern } from '@mcp-runway/testing';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, SHARED_REDIS_URL } from './test/redis.js';
import { runToExit, spawnApp } from './test/spawn.js';

beforeAll(async () => {
  (await connectRedis()).disconnect(); // fails loudly when Redis is down
});

describe('graceful shutdown of the built app', () => {
  // The spawned app keeps its records under the default prefix: remove this session's.
  let sessionId = '';
  afterAll(async () => {
    if (!sessionId) return;
    const redis = await connectRedis();
    const keys = await redis.keys(`mcp-runway:*${sessionId}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('finishes the session call in flight, closes the GET stream, refuses new work, then exits 0', async () => {
    const app = await spawnApp({
      HOST: '127.0.0.1',
      REDIS_URL: SHARED_REDIS_URL,
      SHUTDOWN_TIMEOUT_MS: '8000',
    });
    const listening = app.logs().find((line) => line.msg === 'listening') as {
      address: { port: number };
      sessionStore: string;
    };
    expect(listening.address.port).toBeGreaterThan(0);
    expect(listening.sessionStore).toBe('redis');

    const client = new Client({ name: 'shutdown-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL('/mcp', app.url));
    await client.connect(transport);
    sessionId = transport.sessionId ?? '';
    expect(sessionId).toBeTruthy();
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
              body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
            })
          ).status;
        },
      },
    );
    expect(result.isError).not.toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: 'done after 5 steps' }]);
    expect([lateReady, latePost]).toEqual([503, 503]);
    expect(await app.exited).toBe(0);
    // Well before the deadline: the open GET stream did not hold the drain until it passed.
    expect(performance.now() - signalledAt).toBeLessThan(5000);
    expect(app.logs().map((line) => line.msg)).toEqual(
      expect.arrayContaining(['draining', 'stopped']),
    );
    await client.close();
  });

  it('answers calls still running at the deadline with a JSON-RPC error, then exits 1', async () => {
    // Sessions in memory: the 2025 call runs on a session of this instance.
    const app = await spawnApp({ HOST: '127.0.0.1', SHUTDOWN_TIMEOUT_MS: '500' });
    // 10 s of work, reporting progress every 200 ms (a progress token makes the answer SSE).
    const slow = { name: 'slow', arguments: { steps: 50, stepMs: 200 } };
    // A 2025 call on a session, through the SDK client (an SSE answer, under way)...
    const client = new Client({ name: 'shutdown-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', app.url)));
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

  it('refuses a public bind without ALLOWED_HOSTS, with the HTTP config message', async () => {
    const { code, stderr } = await runToExit({ HOST: '0.0.0.0' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/ALLOWED_HOSTS: required when HOST=0\.0\.0\.0/);
  });

  it('lists every invalid session setting at once', async () => {
    const { code, stderr } = await runToExit({ SESSION_MAX: '0', SESSION_IDLE_TIMEOUT_MS: 'soon' });
    expect(code).toBe(1);
    for (const name of ['SESSION_MAX', 'SESSION_IDLE_TIMEOUT_MS']) expect(stderr).toContain(name);
  });
});
