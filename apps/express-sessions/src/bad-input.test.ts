/**
 * The bad-input table of apps/hono-http, where it applies: the same cores behind Express
 * adapters must give the same answers. Where this app differs on purpose (GET and DELETE
 * are session operations here, not 405) the table says so.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

interface Case {
  name: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  status: number;
  code: number;
  allow?: string;
}
interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { error?: { code: number; data?: unknown } };
}

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
};
const JSON_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};
const modern = (method: string, headers: Record<string, string> = {}, version = '2026-07-28') => ({
  headers: { ...JSON_HEADERS, 'mcp-protocol-version': version, 'mcp-method': method, ...headers },
  body: JSON.stringify({
    jsonrpc: '2.0',
    id: 7,
    method,
    params: { _meta: { ...META, 'io.modelcontextprotocol/protocolVersion': version } },
  }),
});
const legacyList = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
/** JSON arrays nested `depth` deep. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
/** A 2025 initialize whose client capabilities hold `inner` (JSON text). */
const initializeWith = (inner: string) =>
  `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",` +
  `"capabilities":{"experimental":{"x":${inner}}},"clientInfo":{"name":"deep","version":"1"}}}`;
const padded = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'ping',
  params: { pad: 'x'.repeat(5000) },
});

const cases: Case[] = [
  {
    name: 'malformed JSON',
    headers: JSON_HEADERS,
    body: '{"jsonrpc": "2.0",',
    status: 400,
    code: -32700,
  },
  {
    name: 'a JSON-RPC batch',
    headers: JSON_HEADERS,
    body: `[${legacyList}]`,
    status: 400,
    code: -32600,
  },
  {
    name: 'JSON that is not JSON-RPC',
    headers: JSON_HEADERS,
    body: '{"a":1}',
    status: 400,
    code: -32600,
  },
  {
    name: 'a text/plain body',
    headers: { ...JSON_HEADERS, 'content-type': 'text/plain' },
    body: legacyList,
    status: 415,
    code: -31415,
  },
  {
    name: 'an Accept without text/event-stream',
    headers: { ...JSON_HEADERS, accept: 'application/json' },
    body: legacyList,
    status: 406,
    code: -31406,
  },
  { name: 'a body over the limit', headers: JSON_HEADERS, body: padded, status: 413, code: -31413 },
  {
    name: 'a chunked body that grows over the limit',
    headers: { ...JSON_HEADERS, 'transfer-encoding': 'chunked' },
    body: padded,
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
    headers: { ...JSON_HEADERS, host: 'evil.example:3002' },
    body: legacyList,
    status: 403,
    code: -31403,
  },
  {
    name: 'an unknown path',
    path: '/mcp/extra',
    headers: JSON_HEADERS,
    body: legacyList,
    status: 404,
    code: -31404,
  },
  {
    name: 'PUT on the endpoint',
    method: 'PUT',
    status: 405,
    code: -31405,
    allow: 'GET, POST, DELETE',
  },
  // Here, unlike the stateless app: GET and DELETE are session operations.
  {
    name: 'GET without a session',
    method: 'GET',
    headers: { accept: 'text/event-stream' },
    status: 400,
    code: -32600,
  },
  {
    name: 'a 2025 request without a session',
    headers: JSON_HEADERS,
    body: legacyList,
    status: 400,
    code: -32600,
  },
  // The 2026-07-28 lane's own answers: the stateless SDK handler owns them.
  { name: 'an unknown method (2026-07-28)', ...modern('tools/dance'), status: 404, code: -32601 },
  {
    name: 'an unsupported protocol version',
    ...modern('tools/list', {}, '2099-01-01'),
    status: 400,
    code: -32022,
  },
  {
    name: 'an Mcp-Method header that disagrees with the body',
    ...modern('tools/list', { 'mcp-method': 'prompts/list' }),
    status: 400,
    code: -32020,
  },
  {
    name: 'JSON nested deeper than 64 levels',
    headers: JSON_HEADERS,
    body: initializeWith(nested(1000)),
    status: 400,
    code: -32700,
  },
];

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
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        const json = res.headers['content-type']?.startsWith('text/event-stream')
          ? (/^data: (.+)$/m.exec(text)?.[1] ?? '{}')
          : text || '{}';
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(json) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('bad input to the MCP endpoint (Express adapters)', () => {
  it.each(cases)('answers $name with $status and code $code', async (testCase) => {
    const reply = await send(testCase);
    expect(reply.status).toBe(testCase.status);
    expect(reply.body.error?.code).toBe(testCase.code);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['x-powered-by']).toBeUndefined();
    if (testCase.allow) expect(reply.headers.allow).toBe(testCase.allow);
  });

  it('reports the 2026-era versions served on an unsupported version, as server/discover does', async () => {
    const reply = await send({
      name: 'version',
      ...modern('tools/list', {}, '2099-01-01'),
      status: 400,
      code: 0,
    });
    expect(reply.body.error?.data).toEqual({ supported: ['2026-07-28'], requested: '2099-01-01' });
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
    ['a 2025 initialize (the session lane)', { headers: JSON_HEADERS, body: initializeWith(deep) }],
    [
      'a 2026-07-28 tools/call (the stateless lane)',
      (() => {
        const request = modern('tools/call', { 'mcp-name': 'echo' });
        const message = JSON.parse(request.body) as { params: Record<string, unknown> };
        const params = JSON.stringify({ ...message.params, name: 'echo' }).slice(1, -1);
        return {
          headers: request.headers,
          body: `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"arguments":{"text":${deep}},${params}}}`,
        };
      })(),
    ],
  ])('answers %s with 400 -32700, logs no error and keeps serving', async (_, request) => {
    const reply = await send({ name: 'deep', ...request, status: 400, code: -32700 }, roomy);
    expect(reply.status).toBe(400);
    expect(reply.body.error?.code).toBe(-32700);
    expect(errorLines()).toEqual([]);
    const next = await send(
      { name: 'after', ...modern('tools/list'), status: 200, code: 0 },
      roomy,
    );
    expect(next.status).toBe(200);
  });
});
