/**
 * The streaming handler as a Function URL in RESPONSE_STREAM mode runs it, through the runtime
 * shim in src/test/awslambda.ts. The runtime mounts the pipeline fixture server
 * (@mcp-runway/testing/fixture-server): `slow` sends a progress notification per step.
 */
import { fixtureServerModule } from '@mcp-runway/testing/fixture-server';
import { afterAll, describe, expect, it } from 'vitest';
import { createLambdaRuntime } from './app.js';
import { createHandlers } from './handler.js';
import { TestResponseStream } from './test/awslambda.js';
import { lambdaContext, lambdaEvent, testEnv } from './test/events.js';

/** How long each step of the `slow` call takes; the timing checks allow 50 ms of slack. */
const STEP_MS = 300;
const handlers = createHandlers(() =>
  createLambdaRuntime(testEnv, { server: fixtureServerModule }),
);
afterAll(async () => (await handlers.runtime()).close());
const streamingHandler = handlers.streamingHandler as unknown as (
  event: unknown,
  stream: TestResponseStream,
  context: unknown,
) => Promise<void>;

describe('streaming handler (Function URL, RESPONSE_STREAM)', () => {
  it('is marked as a streaming handler through awslambda.streamifyResponse', () => {
    expect(
      (handlers.streamingHandler as unknown as Record<symbol, unknown>)[
        Symbol.for('aws.lambda.runtime.handler.streaming')
      ],
    ).toBe('response');
  });

  it('delivers the first progress notification while a slow tool is still running', async () => {
    const stream = new TestResponseStream();
    const event = lambdaEvent('function-url', {
      headers: {
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'tools/call',
        'mcp-name': 'slow',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 42,
        method: 'tools/call',
        params: {
          name: 'slow',
          arguments: { steps: 3, stepMs: STEP_MS },
          _meta: {
            progressToken: 'slow-1',
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      }),
    });
    const started = performance.now();
    await streamingHandler(event, stream, lambdaContext());
    const done = performance.now();
    await stream.finished;

    const { prelude, body } = stream.parse();
    expect(prelude).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': 'text/event-stream' },
    });
    expect(body).toContain('"result"');

    // Which chunk carried what, and when it was written.
    const timed = stream.chunks.map((chunk) => ({ at: chunk.at, text: chunk.data.toString() }));
    const firstProgress = timed.find((chunk) => chunk.text.includes('notifications/progress'));
    const result = timed.find((chunk) => chunk.text.includes('"id":42'));
    expect(firstProgress, 'a progress notification was streamed').toBeDefined();
    expect(result, 'the result was streamed').toBeDefined();
    if (!firstProgress || !result) return;
    // The call takes 3 steps of STEP_MS: the first progress is written at least one step
    // before the result, and long before the invocation ends.
    expect(result.at - firstProgress.at).toBeGreaterThan(STEP_MS - 50);
    expect(done - firstProgress.at).toBeGreaterThan(STEP_MS - 50);
    expect(firstProgress.at - started).toBeLessThan(done - started - (STEP_MS - 50));
    expect(timed.indexOf(firstProgress)).toBeLessThan(timed.indexOf(result));
  });

  it('streams an error status in the prelude (405 for GET)', async () => {
    const stream = new TestResponseStream();
    await streamingHandler(lambdaEvent('function-url', { method: 'GET' }), stream, lambdaContext());
    expect(stream.parse().prelude).toMatchObject({ statusCode: 405 });
  });
});
