import { toErrorResponse } from '@mcp-runway/errors';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { describe, expect, it } from 'vitest';
import { clientKey, createRateLimiter } from '../index.js';
import { rateLimit } from './index.js';

type Env = { Variables: { principalId: string | undefined; toolName: string | undefined } };

/** The pipeline in miniature: an error handler like @mcp-runway/http's, "auth", the limiter. */
function createApp() {
  const limiter = createRateLimiter({
    points: 5,
    durationSeconds: 60,
    costs: { long_job: { cost: 3 } },
  });
  const app = new Hono<Env>();
  app.onError((error, c) => {
    const { httpStatus, headers, body } = toErrorResponse(error, null);
    return c.json(body, httpStatus as ContentfulStatusCode, { ...headers });
  });
  app.use(async (c, next) => {
    c.set('principalId', c.req.header('x-test-principal'));
    c.set('toolName', c.req.query('tool'));
    await next();
  });
  let served = 0;
  app.post(
    '/mcp',
    rateLimit<Env>({
      limiter,
      key: (c) =>
        clientKey({
          principalId: c.var.principalId,
          remoteAddress: '203.0.113.7',
          forwardedFor: c.req.header('x-forwarded-for'),
        }),
      tool: (c) => c.var.toolName,
    }),
    (c) => {
      served++;
      return c.json({ jsonrpc: '2.0', id: 1, result: {} });
    },
  );
  return { app, served: () => served };
}

describe('rateLimit (Hono)', () => {
  it('puts the remaining budget on a successful response', async () => {
    const { app } = createApp();
    const response = await app.request('/mcp?tool=long_job', { method: 'POST' });
    expect(response.status).toBe(200);
    expect(response.headers.get('RateLimit-Limit')).toBe('5');
    expect(response.headers.get('RateLimit-Remaining')).toBe('2');
    expect(response.headers.get('RateLimit-Reset')).toBe('60');
    expect(response.headers.get('Retry-After')).toBeNull();
  });

  it('refuses over the limit with 429, a JSON-RPC body, Retry-After and RateLimit headers', async () => {
    const { app, served } = createApp();
    await app.request('/mcp?tool=long_job', { method: 'POST' });
    const response = await app.request('/mcp?tool=long_job', { method: 'POST' });
    expect(response.status).toBe(429);
    expect(response.headers.get('Retry-After')).toBe('60');
    expect(response.headers.get('RateLimit-Limit')).toBe('5');
    expect(response.headers.get('RateLimit-Remaining')).toBe('0');
    expect(response.headers.get('RateLimit-Reset')).toBe('60');
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
    const { app } = createApp();
    for (let call = 0; call < 5; call++) {
      // A different forged address each time: all land on 203.0.113.7.
      const headers = { 'x-forwarded-for': `198.51.100.${call}` };
      expect((await app.request('/mcp', { method: 'POST', headers })).status).toBe(200);
    }
    const spoofed = { 'x-forwarded-for': '198.51.100.99' };
    expect((await app.request('/mcp', { method: 'POST', headers: spoofed })).status).toBe(429);
    const alice = { 'x-test-principal': 'alice' };
    const response = await app.request('/mcp', { method: 'POST', headers: alice });
    expect(response.status).toBe(200);
    expect(response.headers.get('RateLimit-Remaining')).toBe('4');
  });
});
