import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { startTracing } from './index.js';
import { endToolSpan, startToolSpan } from './spans.js';
import { tracingEnabled } from './tracer.js';

/** An OTLP/HTTP collector stand-in: records each export request. */
async function collector() {
  const received: { path: string | undefined; type: string | undefined; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ path: req.url, type: req.headers['content-type'], body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { received, url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

describe('startTracing', () => {
  afterAll(() => {
    trace.disable();
    metrics.disable();
    context.disable();
    propagation.disable();
  });

  it('stays off without an OTLP endpoint, or when OTEL_SDK_DISABLED=true', async () => {
    expect((await startTracing({ env: {} })).enabled).toBe(false);
    const disabled = await startTracing({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_SDK_DISABLED: 'true' },
    });
    expect(disabled.enabled).toBe(false);
    expect(tracingEnabled()).toBe(false);
  });

  it('exports spans over OTLP/HTTP to the endpoint, with the service name, and flushes at shutdown', async () => {
    const otlp = await collector();
    const logs: string[] = [];
    const logger = {
      info: (_obj: object, msg?: string) => logs.push(msg ?? ''),
      warn: (_obj: object, msg?: string) => logs.push(`WARN ${msg}`),
    };
    const tracing = await startTracing({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `${otlp.url}/` },
      serviceName: 'notes-test',
      logger,
    });
    expect(tracing.enabled).toBe(true);
    expect(tracingEnabled()).toBe(true);
    // The two SDKs load concurrently: either line may come first.
    expect(logs.sort()).toEqual([
      'metrics: exporting over OTLP/HTTP',
      'tracing: exporting spans over OTLP/HTTP',
    ]);

    const started = startToolSpan({
      method: 'tools/call',
      name: 'search_notes',
      nameLabel: 'search_notes',
      id: 1,
    });
    endToolSpan(started, false);
    await tracing.shutdown();
    otlp.close();

    const traces = otlp.received.filter((request) => request.path === '/v1/traces');
    expect(traces).toHaveLength(1);
    const [request] = traces;
    expect(request?.path).toBe('/v1/traces');
    expect(request?.type).toMatch(/^application\/(json|x-protobuf)/);
    expect(request?.body).toContain('tools/call search_notes');
    expect(request?.body).toContain('notes-test');
  });
});
