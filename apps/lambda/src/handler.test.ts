/**
 * The handlers with raw Lambda events, as API Gateway and a Function URL send them. The runtime
 * mounts the pipeline fixture server (@mcp-runway/testing/fixture-server): `echo` returns its
 * text, `fixture_write` needs FIXTURE_WRITE_SCOPE.
 */
import { formatApiKeyEntry, hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { FIXTURE_WRITE_SCOPE, fixtureServerModule } from '@mcp-runway/testing/fixture-server';
import { afterAll, describe, expect, it } from 'vitest';
import { createLambdaRuntime } from './app.js';
import { createHandlers } from './handler.js';
import {
  API_GATEWAY_HOST,
  type EventInput,
  FUNCTION_URL_HOST,
  lambdaContext,
  lambdaEvent,
  testEnv,
} from './test/events.js';

const server = fixtureServerModule;
const handlers = createHandlers(() => createLambdaRuntime(testEnv, { server }));
afterAll(async () => (await handlers.runtime()).close());

type Result = {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
};
async function invoke(kind: 'api-gateway-v2' | 'function-url', input: EventInput) {
  return (await handlers.handler(lambdaEvent(kind, input), lambdaContext())) as Result;
}

/** The JSON-RPC messages in a response body, whether JSON or an SSE stream. */
function messages(result: Result): Record<string, unknown>[] {
  if (result.headers['content-type']?.startsWith('text/event-stream')) {
    return result.body
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => JSON.parse(line.slice(5)) as Record<string, unknown>);
  }
  return [JSON.parse(result.body) as Record<string, unknown>];
}

const post = (body: unknown, headers: Record<string, string> = {}) => ({
  body: JSON.stringify(body),
  headers,
});

describe('buffered handler (API Gateway HTTP API, payload 2.0)', () => {
  it('serves a 2025-11-25 client: initialize, tools/list, tools/call', async () => {
    const init = await invoke(
      'api-gateway-v2',
      post({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'lambda-test', version: '1' },
        },
      }),
    );
    expect(init.statusCode).toBe(200);
    expect(init.headers['mcp-session-id']).toBeUndefined();
    const [initialized] = messages(init);
    expect(initialized).toMatchObject({
      id: 1,
      result: { protocolVersion: '2025-11-25', serverInfo: { name: server.info.name } },
    });
    const legacy = { 'mcp-protocol-version': '2025-11-25' };

    const notified = await invoke(
      'api-gateway-v2',
      post({ jsonrpc: '2.0', method: 'notifications/initialized' }, legacy),
    );
    expect(notified.statusCode).toBe(202);

    const list = await invoke(
      'api-gateway-v2',
      post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, legacy),
    );
    expect(list.statusCode).toBe(200);
    const listed = messages(list)[0]?.result as { tools: { name: string }[] } | undefined;
    const tools = listed?.tools ?? [];
    expect(tools.map((tool) => tool.name)).toContain('echo');

    const call = await invoke(
      'api-gateway-v2',
      post(
        {
          jsonrpc: '2.0',
          id: 3,
          method: 'tools/call',
          params: { name: 'echo', arguments: { text: 'proxy' } },
        },
        legacy,
      ),
    );
    expect(call.statusCode).toBe(200);
    const result = messages(call).find((message) => message.id === 3)?.result as {
      structuredContent: { text: string };
    };
    expect(result.structuredContent).toEqual({ text: 'proxy' });
  });

  it('serves a 2026-07-28 tools/call with _meta and the Mcp-* headers', async () => {
    const call = await invoke(
      'api-gateway-v2',
      post(
        {
          jsonrpc: '2.0',
          id: 7,
          method: 'tools/call',
          params: {
            name: 'echo',
            arguments: { text: 'proxy' },
            _meta: {
              'io.modelcontextprotocol/protocolVersion': '2026-07-28',
              'io.modelcontextprotocol/clientCapabilities': {},
            },
          },
        },
        {
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/call',
          'mcp-name': 'echo',
        },
      ),
    );
    expect(call.statusCode).toBe(200);
    expect(call.headers['x-request-id']).toBeTruthy();
    expect(call.headers['x-content-type-options']).toBe('nosniff');
    // SSE comes back as text, not base64 (Hono's default for unknown content types).
    expect(call.isBase64Encoded).toBe(false);
    const reply = messages(call).find((message) => message.id === 7);
    expect(reply?.result).toMatchObject({ structuredContent: { text: 'proxy' } });
  });

  it('reads a base64-encoded body (isBase64Encoded: true)', async () => {
    const list = await invoke('function-url', {
      ...post({
        jsonrpc: '2.0',
        id: 'b64',
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'b64', version: '1' },
        },
      }),
      base64: true,
    });
    expect(list.statusCode).toBe(200);
    expect(messages(list)[0]).toMatchObject({
      id: 'b64',
      result: { protocolVersion: '2025-11-25' },
    });
  });

  it('answers GET on the MCP path with 405 and Allow: POST', async () => {
    const get = await invoke('api-gateway-v2', {
      method: 'GET',
      headers: { accept: 'text/event-stream' },
    });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });

  it('refuses a foreign Host with 403 (DNS-rebinding protection)', async () => {
    const foreign = await invoke('api-gateway-v2', {
      ...post({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      host: 'evil.example',
    });
    expect(foreign.statusCode).toBe(403);
  });

  it('accepts both configured domains', async () => {
    for (const [kind, host] of [
      ['api-gateway-v2', API_GATEWAY_HOST],
      ['function-url', FUNCTION_URL_HOST],
    ] as const) {
      const ok = await invoke(kind, {
        ...post({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-11-25',
            capabilities: {},
            clientInfo: { name: 'x', version: '1' },
          },
        }),
        host,
      });
      expect(ok.statusCode, host).toBe(200);
    }
  });

  it('serves the probes', async () => {
    const health = await handlers.handler(
      { ...lambdaEvent('api-gateway-v2', { method: 'GET' }), rawPath: '/health' },
      lambdaContext(),
    );
    expect((health as Result).statusCode).toBe(200);
  });
});

describe('buffered handler with AUTH_MODE=apikey', () => {
  const key = mintApiKey();
  const secured = createHandlers(() =>
    createLambdaRuntime(
      {
        ...testEnv,
        ALLOW_UNAUTHENTICATED: 'false',
        AUTH_MODE: 'apikey',
        API_KEYS: formatApiKeyEntry({
          principal: 'ci',
          scopes: [FIXTURE_WRITE_SCOPE],
          hash: hashApiKey(key),
        }),
      },
      { server },
    ),
  );
  afterAll(async () => (await secured.runtime()).close());

  it('answers an unauthenticated request with 401 and WWW-Authenticate', async () => {
    const result = (await secured.handler(
      lambdaEvent('api-gateway-v2', post({ jsonrpc: '2.0', id: 1, method: 'tools/list' })),
      lambdaContext(),
    )) as Result;
    expect(result.statusCode).toBe(401);
    expect(result.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('serves a caller with a valid key', async () => {
    const result = (await secured.handler(
      lambdaEvent(
        'api-gateway-v2',
        post(
          {
            jsonrpc: '2.0',
            id: 1,
            method: 'initialize',
            params: {
              protocolVersion: '2025-11-25',
              capabilities: {},
              clientInfo: { name: 'ci', version: '1' },
            },
          },
          { authorization: `Bearer ${key}` },
        ),
      ),
      lambdaContext(),
    )) as Result;
    expect(result.statusCode).toBe(200);
  });
});

describe('configuration on Lambda', () => {
  it('refuses to start without ALLOWED_HOSTS or an auth decision', async () => {
    await expect(
      createLambdaRuntime(
        { NODE_ENV: 'test', LOG_LEVEL: 'silent' },
        { logDestination: { write() {} } },
      ),
    ).rejects.toThrow(/ALLOWED_HOSTS[\s\S]*AUTH_MODE/);
  });
});
