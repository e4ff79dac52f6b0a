import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { RateLimitedError } from '@mcp-runway/errors';
import { createLogger } from '@mcp-runway/logging';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDrain, createHealth, LOOPBACK_HOSTS, LOOPBACK_ORIGINS } from '../index.js';
import {
  cors,
  drainGuard,
  errorHandler,
  hostOriginGuard,
  liveness,
  mcpPost,
  methodNotAllowed,
  notFound,
  type PipelineLocals,
  readiness,
  requestContext,
  securityHeaders,
} from './index.js';

const lines: string[] = [];
const logger = createLogger({
  name: 'express-adapter-test',
  destination: new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  }),
});
const drain = createDrain();
const health = createHealth({ isDraining: () => drain.draining });

/** What `/refused` left in res.locals.error once it was answered (metrics read it there). */
let answeredError: unknown;

/** The pipeline of the apps, in their order, with an echo where the MCP handler would be. */
function pipeline(): express.Express {
  const app = express();
  app.use(requestContext(logger));
  app.use('/refused', (_req, res, next) => {
    res.once('close', () => {
      answeredError = res.locals.error;
    });
    next();
  });
  app.use(securityHeaders());
  app.use(cors({ allowedOrigins: LOOPBACK_ORIGINS }));
  app.use(hostOriginGuard({ allowedHosts: LOOPBACK_HOSTS, allowedOrigins: LOOPBACK_ORIGINS }));
  app.get('/health', liveness(health));
  app.get('/ready', readiness(health));
  app.post('/mcp', drainGuard(drain), mcpPost({ maxBodyBytes: 256 }), (_req, res) => {
    const { mcp } = res.locals as PipelineLocals;
    res.json({ method: mcp?.method, era: mcp?.era, tool: mcp?.toolName });
  });
  app.all('/mcp', methodNotAllowed(['POST']));
  app.get('/refused', () => {
    throw new RateLimitedError(1, { limit: 'concurrent_calls' });
  });
  app.get('/broken-stream', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' }).write(': started\n\n');
    throw new Error('failed after the answer started');
  });
  app.use(notFound());
  app.use(errorHandler());
  return app;
}

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer(pipeline());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const JSON_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};
const post = (body: string, headers: Record<string, string> = JSON_HEADERS) =>
  fetch(`${base}/mcp`, { method: 'POST', headers, body });
const codeOf = async (response: Response) =>
  ((await response.json()) as { error?: { code: number } }).error?.code;

describe('express adapters over the pipeline cores', () => {
  it('parses one JSON-RPC message into res.locals.mcp, with security headers and a request id', async () => {
    const response = await post(
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ method: 'tools/call', era: 'legacy', tool: 'x' });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.has('x-powered-by')).toBe(false);
    expect(response.headers.get('x-request-id')).toMatch(/^[\w-]{36}$/);
    const line = lines.map((text) => JSON.parse(text)).find((entry) => entry.mcpMethod);
    expect(line).toMatchObject({ msg: 'request', status: 200, path: '/mcp', tool: 'x' });
  });

  it('classifies the era with the protocol headers, and logs that era', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    // No `_meta` envelope, but a modern header: the modern handler's refusal, not a 2025 request.
    const response = await post(body, { ...JSON_HEADERS, 'mcp-protocol-version': '2026-07-28' });
    expect(await response.json()).toMatchObject({ method: 'tools/list', era: 'modern' });
    const line = lines.map((text) => JSON.parse(text)).find((e) => e.mcpMethod === 'tools/list');
    expect(line).toMatchObject({ msg: 'request', era: 'modern' });
  });

  it.each([
    ['bad JSON', '{"jsonrpc":', JSON_HEADERS, 400, -32700],
    ['a batch', '[{"jsonrpc":"2.0","id":1,"method":"ping"}]', JSON_HEADERS, 400, -32600],
    ['text/plain', '{}', { ...JSON_HEADERS, 'content-type': 'text/plain' }, 415, -31415],
    ['no SSE in Accept', '{}', { ...JSON_HEADERS, accept: 'application/json' }, 406, -31406],
    ['a body over the limit', `"${'x'.repeat(300)}"`, JSON_HEADERS, 413, -31413],
  ])('answers %s with %i and a JSON-RPC error body', async (_name, body, headers, status, code) => {
    const response = await post(body, headers);
    expect(response.status).toBe(status);
    expect(await codeOf(response)).toBe(code);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('stops reading a chunked body at the limit, answers 413 and closes the connection', async () => {
    const { port } = new URL(base);
    const reply = await new Promise<{ status: number | undefined; connection: string | undefined }>(
      (resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, method: 'POST', path: '/mcp', headers: JSON_HEADERS },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode, connection: res.headers.connection });
          },
        );
        req.on('error', reject);
        req.write('x'.repeat(200));
        req.end('x'.repeat(200));
      },
    );
    expect(reply).toEqual({ status: 413, connection: 'close' });
  });

  it('answers preflights, foreign hosts, other methods and unknown paths', async () => {
    const preflight = await fetch(`${base}/mcp`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Mcp-Session-Id');
    const foreign = await post('{}', { ...JSON_HEADERS, origin: 'https://evil.example' });
    expect([foreign.status, await codeOf(foreign)]).toEqual([403, -31403]);
    const get = await fetch(`${base}/mcp`);
    expect([get.status, get.headers.get('allow'), await codeOf(get)]).toEqual([
      405,
      'POST',
      -31405,
    ]);
    const unknown = await fetch(`${base}/nope`);
    expect([unknown.status, await codeOf(unknown)]).toEqual([404, -31404]);
    expect(unknown.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('cuts the connection when an error comes after the answer started, and logs it', async () => {
    const outcome = await fetch(`${base}/broken-stream`)
      .then((response) => response.text())
      .then(
        () => 'answered',
        () => 'cut',
      );
    expect(outcome).toBe('cut');
    expect(lines.join('')).toContain('request failed mid-response');
  });

  it('leaves the error it answered in res.locals.error, for the metrics to read', async () => {
    const response = await fetch(`${base}/refused`);
    expect(response.status).toBe(429);
    await response.text();
    await new Promise((resolve) => setTimeout(resolve, 20)); // 'close' follows the answer
    expect(answeredError).toBeInstanceOf(RateLimitedError);
    expect((answeredError as RateLimitedError).limit).toBe('concurrent_calls');
  });

  it('turns readiness and new MCP requests to 503 while draining', async () => {
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    drain.begin();
    const ready = await fetch(`${base}/ready`);
    expect([ready.status, ready.headers.get('cache-control')]).toEqual([503, 'no-store']);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const refused = await post('{}');
    expect([refused.status, refused.headers.get('retry-after')]).toEqual([503, '1']);
    expect(await codeOf(refused)).toBe(-31503);
  });
});
