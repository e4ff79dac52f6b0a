import { afterAll, describe, expect, it } from 'vitest';
import { createLambdaRuntime } from './app.js';
import { createHandlers } from './handler.js';
import { TestResponseStream } from './test/awslambda.js';
import { lambdaContext, lambdaEvent, testEnv } from './test/events.js';

const handlers = createHandlers(() => createLambdaRuntime(testEnv));
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

  it('delivers the first progress notification while generate_report is still running', async () => {
    const stream = new TestResponseStream();
    const event = lambdaEvent('function-url', {
      headers: {
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'tools/call',
        'mcp-name': 'generate_report',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 42,
        method: 'tools/call',
        params: {
          name: 'generate_report',
          arguments: { sections: ['status', 'priority', 'labels'] },
          _meta: {
            progressToken: 'report-1',
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
    // The report takes 3 steps of REPORT_STEP_MS=300: the first progress is written at least
    // one step before the result, and long before the invocation ends.
    expect(result.at - firstProgress.at).toBeGreaterThan(250);
    expect(done - firstProgress.at).toBeGreaterThan(250);
    expect(firstProgress.at - started).toBeLessThan(done - started - 250);
    expect(timed.indexOf(firstProgress)).toBeLessThan(timed.indexOf(result));
  });

  it('streams an error status in the prelude (405 for GET)', async () => {
    const stream = new TestResponseStream();
    await streamingHandler(lambdaEvent('function-url', { method: 'GET' }), stream, lambdaContext());
    expect(stream.parse().prelude).toMatchObject({ statusCode: 405 });
  });
});
