/**
 * CloudWatch EMF lines from invocations of the buffered handler. The runtime mounts the
 * pipeline fixture server (@mcp-runway/testing/fixture-server): `echo` takes { text }.
 */
import { fixtureServerModule as server } from '@mcp-runway/testing/fixture-server';
import { afterAll, describe, expect, it } from 'vitest';
import { createLambdaRuntime } from './app.js';
import { createHandlers } from './handler.js';
import { API_GATEWAY_HOST, lambdaContext, lambdaEvent, testEnv } from './test/events.js';

const lines: string[] = [];
const handlers = createHandlers(() =>
  createLambdaRuntime(testEnv, {
    server,
    emf: { namespace: 'McpRunwayTest', write: (chunk) => lines.push(...chunk.trim().split('\n')) },
  }),
);
afterAll(async () => (await handlers.runtime()).close());

const call = (name: string, args: Record<string, unknown>) =>
  handlers.handler(
    lambdaEvent('api-gateway-v2', {
      host: API_GATEWAY_HOST,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name,
          arguments: args,
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      }),
      headers: {
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'tools/call',
        'mcp-name': name,
      },
    }),
    lambdaContext(),
  );

type EmfLine = Record<string, unknown> & {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: unknown[] }[];
  };
};

describe('CloudWatch EMF metrics, one line per invocation', () => {
  it('writes requests and the tool call with the _aws.CloudWatchMetrics directives', async () => {
    lines.length = 0;
    const result = await call('echo', { text: 'proxy' });
    expect(result.statusCode).toBe(200);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] as string) as EmfLine;
    expect(typeof line._aws.Timestamp).toBe('number');
    expect(line._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'McpRunwayTest',
        Dimensions: [['Method', 'Era', 'Outcome']],
        Metrics: [
          { Name: 'Requests', Unit: 'Count' },
          { Name: 'RequestDuration', Unit: 'Milliseconds' },
        ],
      },
      {
        Namespace: 'McpRunwayTest',
        Dimensions: [['Tool', 'ToolOutcome']],
        Metrics: [
          { Name: 'ToolCalls', Unit: 'Count' },
          { Name: 'ToolCallDuration', Unit: 'Milliseconds' },
        ],
      },
    ]);
    expect(line).toMatchObject({
      Method: 'tools/call',
      Era: '2026',
      Outcome: 'ok',
      Requests: 1,
      Tool: 'echo',
      ToolOutcome: 'ok',
      ToolCalls: 1,
    });
    // Every dimension and metric the directives name is a top-level field (EMF's rule).
    for (const directive of line._aws.CloudWatchMetrics) {
      for (const name of directive.Dimensions.flat()) expect(typeof line[name]).toBe('string');
      for (const metric of directive.Metrics as { Name: string }[])
        expect(typeof line[metric.Name]).toBe('number');
    }
  });

  it('counts a tool error, an unknown tool, and a refused request with bounded labels', async () => {
    lines.length = 0;
    await call('echo', { text: 42 });
    await call('made_up_tool', {});
    await handlers.handler(
      lambdaEvent('api-gateway-v2', { host: 'evil.example', body: '{}' }),
      lambdaContext(),
    );
    const parsed = lines.map((line) => JSON.parse(line) as EmfLine);
    expect(parsed).toHaveLength(3);
    expect(parsed[0]).toMatchObject({ Tool: 'echo', ToolOutcome: 'tool_error' });
    expect(parsed[1]).toMatchObject({ Method: 'tools/call', Tool: 'other' });
    expect(['tool_error', 'protocol_error']).toContain(parsed[1]?.ToolOutcome);
    expect(parsed[2]).toMatchObject({ Outcome: 'rejected', Requests: 1 });
    expect(parsed[2]?.Tool).toBeUndefined();
  });
});

describe('rate limits on Lambda', () => {
  it('uses the Redis store when REDIS_URL is set (per-environment memory is no real limit)', async () => {
    const runtime = await createLambdaRuntime(
      { ...testEnv, REDIS_URL: 'redis://127.0.0.1:6379' },
      { server },
    );
    try {
      expect(runtime.security.limiter.store).toBe('redis');
    } finally {
      await runtime.close();
    }
    const local = await createLambdaRuntime(testEnv, { server });
    expect(local.security.limiter.store).toBe('memory');
    await local.close();
  });
});
