import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toErrorResponse } from '@mcp-runway/errors';
import express, { type ErrorRequestHandler } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { clientKey, createRateLimiter } from '../index.js';
import { rateLimit } from './index.js';

type Locals = { principalId?: string | undefined };

let server: Server | undefined;
afterEach(() => new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined))));

/** The pipeline in miniature, over a real socket: "auth", the limiter, an error handler. */
async function start(): Promise<{ url: string; served: () => number }> {
  const limiter = createRateLimiter({
    points: 5,
    durationSeconds: 60,
    costs: { long_job: { cost: 3 } },
  });
  const app = express();
  let served = 0;
  app.post(
    '/mcp',
    (req, res: express.Response<unknown, Locals>, next) => {
      res.locals.principalId = req.get('x-test-principal');
      next();
    },
    rateLimit<Locals>({
      limiter,
      key: (req, res) =>
        clientKey({
          principalId: res.locals.principalId,
          remoteAddress: req.socket.remoteAddress,
          forwardedFor: req.get('x-forwarded-for'),
        }),
      tool: (req) => (typeof req.query.tool === 'string' ? req.query.tool : undefined),
    }),
    (_req, res) => {
      served++;
      res.json({ jsonrpc: '2.0', id: 1, result: {} });
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
  return { url: `http://127.0.0.1:${port}/mcp`, served: () => served };
}

const post = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers });

describe('rateLimit (Express)', () => {
  it('puts the remaining budget on a successful response', async () => {
    const { url } = await start();
    const response = await post(`${url}?tool=long_job`);
    expect(response.status).toBe(200);
    expect(response.headers.get('RateLimit-Limit')).toBe('5');
    expect(response.headers.get('RateLimit-Remaining')).toBe('2');
    expect(response.headers.get('RateLimit-Reset')).toBe('60');
    expect(response.headers.get('Retry-After')).toBeNull();
  });

  it('refuses over the limit with 429, a JSON-RPC body, Retry-After and RateLimit headers', async () => {
    const { url, served } = await start();
    await post(`${url}?tool=long_job`);
    const response = await post(`${url}?tool=long_job`);
    expect(response.status).toBe(429);
    expect(response.headers.get('Retry-After')).toBe('60');
    expect(response.headers.get('RateLimit-Remaining')).toBe('0');
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -31429,
        message: 'Rate limit exceeded: retry after 60s',
        data: { retryAfterSeconds: 60 },
      },
    });
    expect(served()).toBe(1);
  });

  it('counts an authenticated caller on its own budget, and a spoofed X-Forwarded-For on the socket address', async () => {
    const { url } = await start();
    for (let call = 0; call < 5; call++) {
      const headers = { 'x-forwarded-for': `198.51.100.${call}` };
      expect((await post(url, headers)).status).toBe(200);
    }
    expect((await post(url, { 'x-forwarded-for': '198.51.100.99' })).status).toBe(429);
    const response = await post(url, { 'x-test-principal': 'alice' });
    expect(response.status).toBe(200);
    expect(response.headers.get('RateLimit-Remaining')).toBe('4');
  });
});
