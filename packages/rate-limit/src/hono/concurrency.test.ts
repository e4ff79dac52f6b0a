import { RunwayError, toErrorResponse } from '@mcp-runway/errors';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { describe, expect, it } from 'vitest';
import { createConcurrencyLimiter } from '../index.js';
import { concurrencyLimit } from './index.js';

/**
 * A route whose response stays open until the test ends it: `?kind=` says what it holds,
 * `?fail` makes the handler throw instead. Every caller is the key in `x-test-key`.
 */
function createApp() {
  const limiter = createConcurrencyLimiter({
    calls: { perKey: 2, total: 10 },
    streams: { perKey: 1, total: 10 },
  });
  const open: ReadableStreamDefaultController<Uint8Array>[] = [];
  const waiting: ((value: unknown) => void)[] = [];
  const app = new Hono();
  app.onError((error, c) => {
    const { httpStatus, headers, body } = toErrorResponse(error, null);
    return c.json(body, httpStatus as ContentfulStatusCode, { ...headers });
  });
  app.post(
    '/mcp',
    concurrencyLimit({
      limiter,
      key: (c) => c.req.header('x-test-key') ?? 'anonymous',
      kind: (c) => {
        const kind = c.req.query('kind');
        return kind === 'call' || kind === 'stream' ? kind : undefined;
      },
    }),
    async (c) => {
      if (c.req.query('fail') !== undefined) throw new RunwayError(-32603, 500, 'boom');
      // A handler that ignores its request's abort signal and answers when the test says.
      if (c.req.query('wait') !== undefined) await new Promise((resolve) => waiting.push(resolve));
      const body = new ReadableStream<Uint8Array>({
        start: (controller) => {
          open.push(controller);
          controller.enqueue(new TextEncoder().encode('event: message\ndata: {}\n\n'));
        },
      });
      return c.body(body, 200, { 'content-type': 'text/event-stream' });
    },
  );
  const post = (key: string, query: string, signal: AbortSignal | null = null) =>
    app.request(`/mcp?${query}`, { method: 'POST', headers: { 'x-test-key': key }, signal });
  return { limiter, open, waiting, post };
}

describe('concurrencyLimit (Hono)', () => {
  it('holds a slot until the response body ends, and refuses the next one with 429 meanwhile', async () => {
    const { limiter, open, post } = createApp();
    const first = await post('alice', 'kind=stream');
    expect(first.status).toBe(200);
    const refused = await post('alice', 'kind=stream');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { error: { code: number } }).error.code).toBe(-31429);
    expect((await post('bob', 'kind=stream')).status).toBe(200);

    open[0]?.close();
    expect(await first.text()).toContain('event: message');
    expect(limiter.held('alice', 'stream')).toBe(0);
    expect((await post('alice', 'kind=stream')).status).toBe(200);
  });

  it('frees the slot when the client cancels the body (it went away mid-stream)', async () => {
    const { limiter, post } = createApp();
    const response = await post('alice', 'kind=stream');
    expect(limiter.held('alice', 'stream')).toBe(1);
    await response.body?.cancel();
    expect(limiter.held('alice', 'stream')).toBe(0);
  });

  it('frees the slot when the client goes away before the answer starts, as Express does', async () => {
    const { limiter, waiting, post } = createApp();
    const client = new AbortController();
    const pending = post('alice', 'kind=call&wait', client.signal);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(limiter.held('alice', 'call')).toBe(1);
    client.abort();
    expect(limiter.held('alice', 'call')).toBe(0);
    for (const resolve of waiting) resolve(undefined);
    await (await pending).body?.cancel();
    expect(limiter.stats).toEqual({ calls: 0, streams: 0, keys: 0 });
  });

  it('frees the slot of a request whose handler failed, once its error is answered', async () => {
    const { limiter, post } = createApp();
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await post('alice', 'kind=call&fail');
      expect(response.status).toBe(500);
      await response.text();
    }
    expect(limiter.stats).toEqual({ calls: 0, streams: 0, keys: 0 });
  });

  it('leaves a request that holds nothing alone', async () => {
    const { limiter, post } = createApp();
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await post('alice', 'kind=none')).status).toBe(200);
    }
    expect(limiter.stats.keys).toBe(0);
  });
});
