import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { toErrorResponse } from '@mcp-runway/errors';
import express, { type ErrorRequestHandler, type Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { type ConcurrencyLimiter, createConcurrencyLimiter } from '../index.js';
import { concurrencyLimit } from './index.js';

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  return new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

/**
 * Over a real socket: `?kind=` says what a request holds; the response stays open (one SSE
 * frame written) until the test calls `finish()`; `?fail` makes the handler throw instead.
 */
async function start(): Promise<{
  url: string;
  limiter: ConcurrencyLimiter;
  finish: () => void;
}> {
  const limiter = createConcurrencyLimiter({
    calls: { perKey: 2, total: 10 },
    streams: { perKey: 1, total: 10 },
  });
  const open: Response[] = [];
  const app = express();
  app.post(
    '/mcp',
    concurrencyLimit({
      limiter,
      key: (req) => req.get('x-test-key') ?? 'anonymous',
      kind: (req) => {
        const { kind } = req.query;
        return kind === 'call' || kind === 'stream' ? kind : undefined;
      },
    }),
    (req, res) => {
      if (req.query.fail !== undefined) throw new Error('boom');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: message\ndata: {}\n\n');
      open.push(res);
    },
  );
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    const { httpStatus, headers, body } = toErrorResponse(error, null);
    res.status(httpStatus).set(headers).json(body);
  };
  app.use(onError);
  const listening = createServer(app);
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  const { port } = listening.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    limiter,
    finish: () => {
      for (const res of open.splice(0)) res.end();
    },
  };
}

const post = (url: string, key: string, query: string, signal: AbortSignal | null = null) =>
  fetch(`${url}?${query}`, { method: 'POST', headers: { 'x-test-key': key }, signal });

async function until(check: () => boolean): Promise<void> {
  for (let tries = 0; !check(); tries++) {
    if (tries > 200) throw new Error('timed out waiting for the slot to be freed');
    await sleep(10);
  }
}

describe('concurrencyLimit (Express)', () => {
  it('holds a slot until the response ends, refusing the next with 429 meanwhile', async () => {
    const { url, limiter, finish } = await start();
    const first = await post(url, 'alice', 'kind=stream');
    expect(first.status).toBe(200);
    const refused = await post(url, 'alice', 'kind=stream');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { error: { code: number } }).error.code).toBe(-31429);
    expect((await post(url, 'bob', 'kind=stream')).status).toBe(200);

    finish();
    await first.text();
    await until(() => limiter.held('alice', 'stream') === 0);
    expect((await post(url, 'alice', 'kind=stream')).status).toBe(200);
  });

  it('frees the slot when the client goes away mid-stream', async () => {
    const { url, limiter } = await start();
    const controller = new AbortController();
    const response = await post(url, 'alice', 'kind=stream', controller.signal);
    expect(response.status).toBe(200);
    expect(limiter.held('alice', 'stream')).toBe(1);
    controller.abort();
    await until(() => limiter.held('alice', 'stream') === 0);
    expect(limiter.stats).toEqual({ calls: 0, streams: 0, keys: 0 });
  });

  it('frees the slot of a request whose handler failed', async () => {
    const { url, limiter } = await start();
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await post(url, 'alice', 'kind=call&fail');
      expect(response.status).toBe(500);
      await response.text();
    }
    await until(() => limiter.stats.calls === 0);
    expect(limiter.stats.keys).toBe(0);
  });
});
