import { describe, expect, it, vi } from 'vitest';

// An image built without the optional SDK packages: importing them fails.
vi.mock('@opentelemetry/sdk-trace-node', () => {
  throw new Error("Cannot find package '@opentelemetry/sdk-trace-node'");
});

describe('startTracing without the SDK installed', () => {
  it('warns once and leaves tracing off, so the app still starts', async () => {
    const { startTracing } = await import('./index.js');
    const { tracingEnabled } = await import('./tracer.js');
    const warnings: string[] = [];
    const tracing = await startTracing({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' },
      logger: { info: () => {}, warn: (_obj, msg) => warnings.push(msg ?? '') },
    });
    expect(tracing.enabled).toBe(false);
    expect(tracingEnabled()).toBe(false);
    expect(warnings).toEqual([expect.stringMatching(/not installed; tracing stays off/)]);
    await tracing.shutdown();
  });
});
