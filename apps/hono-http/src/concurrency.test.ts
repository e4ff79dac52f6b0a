/**
 * What one caller may hold at once, over real sockets against the app with the fixture server:
 * running tool calls (`slow` runs as long as it is told) and `subscriptions/listen` streams.
 * A slot is freed exactly once, whether the response completes, ends in an error or loses its
 * client: afterwards the caller holds exactly as many as before, no fewer and no more.
 */
import { hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { waitFor } from '@mcp-runway/redis/testing';
import { modern } from '@mcp-runway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

const alice = mintApiKey();
const bob = mintApiKey();
const keys = { API_KEYS: `alice::${hashApiKey(alice)},bob::${hashApiKey(bob)}` };

function send(
  app: RunningApp,
  key: string,
  request: { headers: Record<string, string>; body: string },
  signal: AbortSignal | null = null,
): Promise<Response> {
  return fetch(app.mcpUrl, {
    method: 'POST',
    headers: { ...request.headers, authorization: `Bearer ${key}` },
    body: request.body,
    signal,
  });
}

const slow = (stepMs: number) =>
  modern('tools/call', { name: 'slow', arguments: { steps: 1, stepMs } });
const echo = () => modern('tools/call', { name: 'echo', arguments: { text: 'hi' } });
const listen = () => modern('subscriptions/listen', { notifications: { toolsListChanged: true } });

describe('concurrent tool calls', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ AUTH_MODE: 'apikey', ...keys, MAX_CONCURRENT_CALLS: '3' });
  });
  afterAll(() => app.close());
  const held = () => app.security.concurrency.held('principal:apikey:alice', 'call');

  /** Three of alice's calls running (held), and a fourth refused: exactly three fit. */
  async function fillAlice(stepMs: number, signal: AbortSignal | null = null) {
    const running = [1, 2, 3].map(() => send(app, alice, slow(stepMs), signal));
    await waitFor('three running calls', () => held() === 3);
    const refused = await send(app, alice, slow(stepMs));
    expect(refused.status).toBe(429);
    return { running, refused };
  }

  it("refuses a caller's fourth running call with 429 while another caller is served, and serves it again once they finish", async () => {
    const { running, refused } = await fillAlice(1_500);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({
      error: { code: -31429, data: { retryAfterSeconds: 1 } },
    });
    const other = await send(app, bob, echo());
    expect(other.status).toBe(200);
    await other.text();

    for (const response of await Promise.all(running)) {
      expect(response.status).toBe(200);
      await response.text();
    }
    expect(held()).toBe(0);
    const again = await fillAlice(1_000);
    await Promise.all((await Promise.all(again.running)).map((response) => response.text()));
    expect(app.security.concurrency.stats).toEqual({ calls: 0, streams: 0, keys: 0 });
  });

  it('frees the slots of calls that end in an error', async () => {
    const failing = [
      modern('tools/call', { name: 'fail', arguments: {} }),
      modern('tools/call', { name: 'no_such_tool', arguments: {} }),
      modern('tools/call', { name: 'slow', arguments: { steps: 'many' } }),
    ];
    for (let round = 0; round < 2; round++) {
      const responses = await Promise.all(failing.map((request) => send(app, alice, request)));
      for (const response of responses) expect(await response.text()).toContain('"id"');
    }
    expect(held()).toBe(0);
    const { running } = await fillAlice(1_000);
    await Promise.all((await Promise.all(running)).map((response) => response.text()));
  });

  it('frees the slots of calls whose client went away, before or during the answer', async () => {
    const gone = new AbortController();
    const { running } = await fillAlice(10_000, gone.signal);
    gone.abort();
    await Promise.allSettled(running);
    await waitFor('the abandoned calls to free their slots', () => held() === 0);

    // An SSE answer (progress requested) whose client leaves mid-stream.
    const streaming = new AbortController();
    const progress = modern('tools/call', {
      name: 'slow',
      arguments: { steps: 100, stepMs: 100 },
      _meta: { progressToken: 'p1' },
    });
    const response = await send(app, alice, progress, streaming.signal);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(held()).toBe(1);
    streaming.abort();
    await waitFor('the abandoned stream to free its slot', () => held() === 0);

    const { running: again } = await fillAlice(1_000);
    await Promise.all((await Promise.all(again)).map((answer) => answer.text()));
  });
});

describe('concurrent subscriptions/listen streams', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ AUTH_MODE: 'apikey', ...keys, MAX_CONCURRENT_STREAMS: '2' });
  });
  afterAll(() => app.close());

  it('stay open up to the limit per caller; one more is refused until one closes', async () => {
    const open = [new AbortController(), new AbortController()];
    for (const controller of open) {
      const stream = await send(app, alice, listen(), controller.signal);
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toContain('text/event-stream');
    }
    const refused = await send(app, alice, listen());
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: number } }).error.code).toBe(-31429);
    // Another caller's stream, and alice's tool calls, are not held back by them.
    const other = new AbortController();
    expect((await send(app, bob, listen(), other.signal)).status).toBe(200);
    expect((await send(app, alice, echo())).status).toBe(200);

    open[0]?.abort();
    await waitFor('the closed stream to free its slot', () =>
      Promise.resolve(app.security.concurrency.held('principal:apikey:alice', 'stream') === 1),
    );
    const next = new AbortController();
    expect((await send(app, alice, listen(), next.signal)).status).toBe(200);
    for (const controller of [open[1], other, next]) controller?.abort();
    await waitFor('every stream to close', () => app.security.concurrency.stats.streams === 0);
  });
});
