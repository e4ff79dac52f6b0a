import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: {
    id?: unknown;
    error?: { code: number; message: string; data?: unknown };
    result?: Record<string, unknown>;
  };
}

interface Case {
  name: string;
  method?: string;
  path?: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  status: number;
  /** JSON-RPC error code; null when the answer is a result (a tool's isError). */
  code: number | null;
  check?: (reply: Reply) => void;
}

const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
};
const JSON_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};
const modern = (
  method: string,
  params: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) => ({
  headers: {
    ...JSON_HEADERS,
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': method,
    ...headers,
  },
  body: JSON.stringify({
    jsonrpc: '2.0',
    id: 7,
    method,
    params: { ...params, _meta: MODERN_META },
  }),
});
const legacyList = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
/** JSON arrays nested `depth` deep. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
/** A 2025 initialize whose client capabilities hold `inner` (JSON text). */
const initializeWith = (inner: string) =>
  `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",` +
  `"capabilities":{"experimental":{"x":${inner}}},"clientInfo":{"name":"deep","version":"1"}}}`;
/** A 2026-07-28 `echo` call whose `text` argument is `inner` (JSON text). */
const echoWith = (inner: string) => {
  const request = modern('tools/call', { name: 'echo' }, { 'mcp-name': 'echo' });
  return {
    headers: request.headers,
    body: request.body.replace('"name":"echo"', `"name":"echo","arguments":{"text":${inner}}`),
  };
};

// The app mounts the pipeline fixture server (startApp's default): `echo` takes { text }.
let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ BODY_LIMIT: '4kb' });
});
afterAll(() => app.close());

/** Sends exactly these bytes and headers (fetch would refuse a forged Host or fix up the body). */
function send(
  { method = 'POST', path = '/mcp', headers = {}, body }: Case,
  to: RunningApp = app,
): Promise<Reply> {
  const { port } = new URL(to.url);
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(
      Object.entries(headers).filter(([, value]) => value !== undefined),
    ) as Record<string, string>;
    const req = request({ host: '127.0.0.1', port, method, path, headers: clean }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        const json = res.headers['content-type']?.startsWith('text/event-stream')
          ? (/^data: (.*)$/m.exec(text)?.[1] ?? '{}')
          : text || '{}';
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: JSON.parse(json) as Reply['body'],
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const cases: Case[] = [
  {
    name: 'malformed JSON',
    headers: JSON_HEADERS,
    body: '{"jsonrpc": "2.0", "id": 1,',
    status: 400,
    code: -32700,
  },
  {
    name: 'a JSON-RPC batch',
    headers: JSON_HEADERS,
    body: JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      { jsonrpc: '2.0', id: 2, method: 'ping' },
    ]),
    status: 400,
    code: -32600,
    check: (reply) => expect(reply.body.error?.message).toMatch(/batch/),
  },
  {
    name: 'JSON that is not JSON-RPC',
    headers: JSON_HEADERS,
    body: '{"hello":"world"}',
    status: 400,
    code: -32600,
  },
  {
    name: 'a JSON-RPC message without a method',
    headers: JSON_HEADERS,
    body: '{"jsonrpc":"2.0","id":3}',
    status: 400,
    code: -32600,
  },
  {
    name: 'JSON nested deeper than 64 levels',
    headers: JSON_HEADERS,
    body: initializeWith(nested(1000)),
    status: 400,
    code: -32700,
  },
  {
    name: 'a text/plain body',
    headers: { ...JSON_HEADERS, 'content-type': 'text/plain' },
    body: legacyList,
    status: 415,
    code: -31415,
  },
  {
    name: 'no Content-Type',
    headers: { accept: JSON_HEADERS.accept },
    body: legacyList,
    status: 415,
    code: -31415,
  },
  {
    name: 'no Accept header',
    headers: { 'content-type': 'application/json' },
    body: legacyList,
    status: 406,
    code: -31406,
  },
  {
    name: 'an Accept without text/event-stream',
    headers: { ...JSON_HEADERS, accept: 'application/json' },
    body: legacyList,
    status: 406,
    code: -31406,
  },
  {
    name: 'a body over the limit, announced by Content-Length',
    headers: JSON_HEADERS,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: { pad: 'x'.repeat(5000) },
    }),
    status: 413,
    code: -31413,
  },
  {
    name: 'a chunked body that grows over the limit',
    headers: { ...JSON_HEADERS, 'transfer-encoding': 'chunked' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: { pad: 'x'.repeat(5000) },
    }),
    status: 413,
    code: -31413,
  },
  {
    name: 'a foreign Origin',
    headers: { ...JSON_HEADERS, origin: 'https://evil.example' },
    body: legacyList,
    status: 403,
    code: -31403,
  },
  {
    name: 'a foreign Host (DNS rebinding)',
    headers: { ...JSON_HEADERS, host: 'evil.example:3000' },
    body: legacyList,
    status: 403,
    code: -31403,
  },
  {
    name: 'GET on the stateless endpoint',
    method: 'GET',
    headers: { accept: 'text/event-stream' },
    status: 405,
    code: -31405,
    check: (reply) => expect(reply.headers.allow).toBe('POST'),
  },
  { name: 'DELETE on the stateless endpoint', method: 'DELETE', status: 405, code: -31405 },
  {
    name: 'an unknown path',
    path: '/mcp/extra',
    headers: JSON_HEADERS,
    body: legacyList,
    status: 404,
    code: -31404,
  },
  { name: 'an unknown method (2026-07-28)', ...modern('tools/dance'), status: 404, code: -32601 },
  {
    name: 'an unsupported protocol version',
    headers: { ...JSON_HEADERS, 'mcp-protocol-version': '2099-01-01', 'mcp-method': 'tools/list' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: {
        _meta: { ...MODERN_META, 'io.modelcontextprotocol/protocolVersion': '2099-01-01' },
      },
    }),
    status: 400,
    code: -32022,
    check: (reply) =>
      expect(reply.body.error?.data).toEqual({
        supported: ['2026-07-28'],
        requested: '2099-01-01',
      }),
  },
  {
    name: 'an unsupported legacy MCP-Protocol-Version header',
    headers: { ...JSON_HEADERS, 'mcp-protocol-version': '1999-01-01' },
    body: legacyList,
    status: 400,
    code: -32000,
  },
  {
    name: 'an MCP-Protocol-Version header that disagrees with _meta',
    ...modern('tools/list', {}, { 'mcp-protocol-version': '2025-11-25' }),
    status: 400,
    code: -32020,
  },
  {
    name: 'an Mcp-Method header that disagrees with the body',
    ...modern('tools/list', {}, { 'mcp-method': 'prompts/list' }),
    status: 400,
    code: -32020,
  },
  {
    name: 'a tools/call without Mcp-Name',
    ...modern('tools/call', { name: 'echo', arguments: { text: 'hi' } }),
    status: 400,
    code: -32020,
  },
  {
    name: '_meta without clientCapabilities',
    headers: { ...JSON_HEADERS, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } },
    }),
    status: 400,
    code: -32602,
  },
  {
    name: 'an unknown tool',
    ...modern(
      'tools/call',
      { name: 'no_such_tool', arguments: {} },
      { 'mcp-name': 'no_such_tool' },
    ),
    status: 200,
    code: -32602,
  },
  {
    name: 'invalid tool arguments',
    ...modern('tools/call', { name: 'echo', arguments: { text: 5 } }, { 'mcp-name': 'echo' }),
    status: 200,
    code: null,
    check: (reply) => expect(reply.body.result).toMatchObject({ isError: true }),
  },
];

describe('bad input to the MCP endpoint', () => {
  it.each(cases)('answers $name with $status and code $code', async (testCase) => {
    const reply = await send(testCase);
    expect(reply.status).toBe(testCase.status);
    if (testCase.code === null) expect(reply.body.error).toBeUndefined();
    else expect(reply.body.error?.code).toBe(testCase.code);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    testCase.check?.(reply);
  });

  it('still serves a normal call after all of that', async () => {
    const reply = await send({
      name: 'normal',
      ...modern(
        'tools/call',
        { name: 'echo', arguments: { text: 'proxy' } },
        { 'mcp-name': 'echo' },
      ),
      status: 200,
      code: null,
    });
    expect(reply.status).toBe(200);
    expect(reply.body.result?.structuredContent).toEqual({ text: 'proxy' });
  });
});

describe('deeply nested JSON (100,000 nested arrays, under the default 1 MB limit)', () => {
  // JSON.parse builds such a value; JSON.stringify (and a zod walk) overflow the stack on it.
  const deep = nested(100_000);
  let roomy: RunningApp;
  beforeAll(async () => {
    roomy = await startApp();
  });
  afterAll(() => roomy.close());

  const errorLines = () =>
    roomy
      .logs()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; msg: string })
      .filter((line) => line.level === 'error' || line.level === 'fatal');

  it.each([
    ['a 2025 initialize', { headers: JSON_HEADERS, body: initializeWith(deep) }],
    ['a 2026-07-28 tools/call', echoWith(deep)],
  ])('answers %s with 400 -32700, logs no error and keeps serving', async (_, request) => {
    const reply = await send({ name: 'deep', ...request, status: 400, code: -32700 }, roomy);
    expect(reply.status).toBe(400);
    expect(reply.body.error?.code).toBe(-32700);
    expect(errorLines()).toEqual([]);
    const next = await send({ name: 'after', ...echoWith('"hi"'), status: 200, code: null }, roomy);
    expect(next.body.result?.structuredContent).toEqual({ text: 'hi' });
  });
});
