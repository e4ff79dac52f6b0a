/**
 * What one caller may hold at once, through the Express pipeline over real sockets against
 * the app with the fixture server: running tool calls on either lane, and streams (a 2025
 * session's GET stream, a 2026-07-28 `subscriptions/listen`) counted together. A slot is freed
 * exactly once, whether the response completes, ends in an error or loses its client.
 */
import { hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { waitFor } from '@mcp-runway/redis/testing';
import { initialize, legacy, modern } from '@mcp-runway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

const alice = mintApiKey();
const bob = mintApiKey();
const keys = { API_KEYS: `alice::${hashApiKey(alice)},bob::${hashApiKey(bob)}` };

function send(
  app: RunningApp,
  key: string,
  request: { headers: Record<string, string>; body?: string },
  options: { method?: string; signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(app.mcpUrl, {
    method: options.method ?? 'POST',
    headers: { ...request.headers, authorization: `Bearer ${key}` },
    ...(request.body !== undefined && { body: request.body }),
    ...(options.signal && { signal: options.signal }),
  });
}

const slow = (stepMs: number) =>
  modern('tools/call', { name: 'slow', arguments: { steps: 1, stepMs } });

/** A 2025 session of `key`'s, initialized. */
async function session(app: RunningApp, key: string): Promise<string> {
  const created = await send(app, key, initialize());
  expect(created.status).toBe(200);
  await created.text();
  const id = created.headers.get('mcp-session-id') ?? '';
  const ready = legacy('notifications/initialized', undefined, { sessionId: id }, true);
  await (await send(app, key, ready)).text();
  return id;
}

describe('concurrent tool calls', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ AUTH_MODE: 'apikey', ...keys, MAX_CONCURRENT_CALLS: '3' });
  });
  afterAll(() => app.close());
  const held = () => app.security.concurrency.held('principal:apikey:alice', 'call');

  async function fillAlice(stepMs: number, signal?: AbortSignal) {
    const running = [1, 2, 3].map(() => send(app, alice, slow(stepMs), signal && { signal }));
    await waitFor('three running calls', () => held() === 3);
    const refused = await send(app, alice, slow(stepMs));
    expect(refused.status).toBe(429);
    return { running, refused };
  }

  it("refuses a caller's fourth running call with 429 while another caller is served, and serves it again once they finish", async () => {
    const id = await session(app, alice);
    const onSession = legacy(
      'tools/call',
      { name: 'echo', arguments: { text: 'hi' } },
      { sessionId: id },
    );
    const { running, refused } = await fillAlice(1_500);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await refused.json()).toMatchObject({ error: { code: -31429 } });
    // A 2025 session's tool call is a call of the same caller: refused too.
    expect((await send(app, alice, onSession)).status).toBe(429);
    const other = await send(
      app,
      bob,
      modern('tools/call', { name: 'echo', arguments: { text: 'hi' } }),
    );
    expect(other.status).toBe(200);
    await other.text();

    for (const response of await Promise.all(running)) {
      expect(response.status).toBe(200);
      await response.text();
    }
    await waitFor('the finished calls to free their slots', () => held() === 0);
    const answered = await send(app, alice, onSession);
    expect(answered.status).toBe(200);
    await answered.text();
    const again = await fillAlice(1_000);
    await Promise.all((await Promise.all(again.running)).map((response) => response.text()));
  });

  it('frees the slots of calls that end in an error, and of calls whose client went away', async () => {
    const failing = [
      modern('tools/call', { name: 'fail', arguments: {} }),
      modern('tools/call', { name: 'no_such_tool', arguments: {} }),
      modern('tools/call', { name: 'slow', arguments: { steps: 'many' } }),
    ];
    const responses = await Promise.all(failing.map((request) => send(app, alice, request)));
    for (const response of responses) await response.text();
    await waitFor('the failed calls to free their slots', () => held() === 0);

    const gone = new AbortController();
    const { running } = await fillAlice(10_000, gone.signal);
    gone.abort();
    await Promise.allSettled(running);
    await waitFor('the abandoned calls to free their slots', () => held() === 0);
    const { running: again } = await fillAlice(1_000);
    await Promise.all((await Promise.all(again)).map((response) => response.text()));
    await waitFor('every call to end', () => app.security.concurrency.stats.calls === 0);
  });
});

describe('concurrent streams', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ AUTH_MODE: 'apikey', ...keys, MAX_CONCURRENT_STREAMS: '2' });
  });
  afterAll(() => app.close());
  const held = () => app.security.concurrency.held('principal:apikey:alice', 'stream');

  it("count a 2025 session's GET stream and a subscriptions/listen alike, up to the limit per caller", async () => {
    const get = (id: string) => ({
      headers: {
        accept: 'text/event-stream',
        'mcp-protocol-version': '2025-11-25',
        'mcp-session-id': id,
      },
    });
    const [first, second, third] = [
      await session(app, alice),
      await session(app, alice),
      await session(app, alice),
    ];
    const [getStream, listenStream] = [new AbortController(), new AbortController()];
    const opened = await send(app, alice, get(first ?? ''), {
      method: 'GET',
      signal: getStream.signal,
    });
    expect(opened.status).toBe(200);
    const listen = modern('subscriptions/listen', { notifications: { toolsListChanged: true } });
    const listening = await send(app, alice, listen, { signal: listenStream.signal });
    expect(listening.status).toBe(200);
    expect(listening.headers.get('content-type')).toContain('text/event-stream');

    const refused = await send(app, alice, get(second ?? ''), { method: 'GET' });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: number } }).error.code).toBe(-31429);
    expect((await send(app, alice, listen)).status).toBe(429);

    getStream.abort();
    await waitFor('the closed GET stream to free its slot', () => held() === 1);
    const next = new AbortController();
    const reopened = await send(app, alice, get(third ?? ''), {
      method: 'GET',
      signal: next.signal,
    });
    expect(reopened.status).toBe(200);
    for (const controller of [listenStream, next]) controller.abort();
    await waitFor('every stream to close', () => app.security.concurrency.stats.streams === 0);
  });
});
