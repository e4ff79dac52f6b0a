/**
 * The bad-input table every HTTP app is tested with (hono-http, cloudflare-workers): malformed
 * and hostile requests to the MCP endpoint, each with the status and JSON-RPC code it must get.
 * It names no tool of the server (the server is swappable). `send` uses node:http so that exactly
 * these bytes and headers arrive (fetch would refuse a forged Host or fix up the body).
 */
import { request } from 'node:http';
import { expect } from 'vitest';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: {
    id?: unknown;
    error?: { code: number; message: string; data?: unknown };
    result?: Record<string, unknown>;
  };
}

export interface Case {
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

export const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
};
export const JSON_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};
/** A 2026-07-28 request: its headers and body. */
export const modern = (
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
export const legacyList = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
/** JSON arrays nested `depth` deep. */
export const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
/** A 2025 initialize whose client capabilities hold `inner` (JSON text). */
export const initializeWith = (inner: string) =>
  `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",` +
  `"capabilities":{"experimental":{"x":${inner}}},"clientInfo":{"name":"deep","version":"1"}}}`;
export const badInputCases: Case[] = [
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
    ...modern('tools/call', { name: 'any_tool', arguments: {} }),
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
];

/** Sends one case to the app at `url` (its origin: the case says the path). */
export function send(
  url: URL,
  { method = 'POST', path = '/mcp', headers = {}, body }: Case,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(
      Object.entries(headers).filter(([, value]) => value !== undefined),
    ) as Record<string, string>;
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: clean },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          const json = res.headers['content-type']?.startsWith('text/event-stream')
            ? (/^data: (.*)$/m.exec(text)?.[1] ?? '{}')
            : text || '{}';
          let parsed: Reply['body'] = {};
          try {
            parsed = JSON.parse(json) as Reply['body'];
          } catch {
            parsed = { error: { code: Number.NaN, message: text } };
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
