import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RateLimitedError, toErrorResponse } from '@mcp-runway/errors';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import express, { type ErrorRequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics.js';
import { mcpMetrics, mcpTracing } from './index.js';

const metrics = createMetrics({ processMetrics: false, tools: ['search'] });
const spans = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
let server: Server;
let url: string;

beforeAll(async () => {
  provider.register();
  const app = express();
  app.use('/mcp', mcpMetrics(metrics));
  app.post(
    '/mcp',
    (req, res, next) => {
      // A stand-in for mcpPost: the parsed message in res.locals.mcp.
      res.locals.mcp = { method: 'tools/call', toolName: 'search', id: 1, era: 'modern' };
      if (req.get('authorization') === undefined) {
        res.status(401).set('WWW-Authenticate', 'Bearer resource_metadata="x"').end();
        return;
      }
      if (req.get('x-over-limit')) {
        res.status(429).end();
        return;
      }
      const limit = req.get('x-held-by');
      if (limit) throw new RateLimitedError(1, { limit });
      next();
    },
    mcpTracing(metrics),
    (_req, res) => {
      res.json({ jsonrpc: '2.0', id: 1, result: {} });
    },
  );
  // As @mcp-runway/http's errorHandler: it leaves the error it answered in res.locals.error.
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    res.locals.error = error;
    const { httpStatus, headers, body } = toErrorResponse(error, null);
    res.status(httpStatus).set(headers).json(body);
  };
  app.use(onError);
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await provider.shutdown();
});

const post = (headers: Record<string, string>) =>
  fetch(url, { method: 'POST', headers }).then((r) => r.status);
const value = async (sample: string) =>
  Number(
    (await metrics.registry.metrics())
      .split('\n')
      .find((line) => line.startsWith(`${sample} `))
      ?.split(' ')[1] ?? 0,
  );

describe('Express metrics adapter', () => {
  it('records requests, auth failures and rate-limit refusals from the responses', async () => {
    expect(await post({ authorization: 'Bearer t' })).toBe(200);
    expect(await post({})).toBe(401);
    expect(await post({ authorization: 'Bearer t', 'x-over-limit': '1' })).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 20)); // 'close' fires after the reply
    expect(await value('mcp_requests_total{method="tools/call",era="2026",outcome="ok"}')).toBe(1);
    expect(
      await value('mcp_requests_total{method="tools/call",era="2026",outcome="rejected"}'),
    ).toBe(2);
    expect(await value('mcp_auth_failures_total{reason="missing"}')).toBe(1);
    expect(await value('mcp_rate_limited_total{limit="global"}')).toBe(1);
  });

  it('counts a refusal under the limit its error names', async () => {
    expect(await post({ authorization: 'Bearer t', 'x-held-by': 'concurrent_streams' })).toBe(429);
    expect(await post({ authorization: 'Bearer t', 'x-held-by': 'auth_failures' })).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await value('mcp_rate_limited_total{limit="concurrent_streams"}')).toBe(1);
    expect(await value('mcp_rate_limited_total{limit="auth_failures"}')).toBe(1);
    expect(await value('mcp_rate_limited_total{limit="global"}')).toBe(1);
  });

  it('opens the request span as a child of the incoming traceparent', async () => {
    spans.reset();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await post({ authorization: 'Bearer t', traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [span] = spans.getFinishedSpans();
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.name).toContain('tools/call');
  });
});
