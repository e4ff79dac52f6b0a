/**
 * A minimal, correct MCP responder for both eras (one tool, `count`, that streams progress),
 * with the faults of faults.ts. Just enough protocol for the readiness checks and the SDK client.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import type { Fault } from './faults.js';

export const MODERN = '2026-07-28';
export const LEGACY = '2025-11-25';
const META_VERSION = 'io.modelcontextprotocol/protocolVersion';
const SERVER_INFO = { name: 'readiness-fixture', version: '1.0.0' };
const TOOLS = [
  {
    name: 'count',
    description: 'Counts to three, with a progress notification per step.',
    inputSchema: { type: 'object', properties: {} },
  },
];

export interface McpState {
  faults: ReadonlySet<Fault>;
  sessions: boolean;
  /** Answer 2025 requests with JSON bodies instead of SSE (tool calls with progress still stream). */
  json: boolean;
  /** Live session ids. */
  live: Set<string>;
  minted: number;
  /** Set by the stops-serving fault after the first malformed request. */
  broken: boolean;
}

type Message = { id?: unknown; method?: unknown; params?: Record<string, unknown> };

export function rpcError(id: unknown, code: number, message: string, data?: unknown) {
  return {
    jsonrpc: '2.0',
    id: id ?? null,
    error: { code, message, ...(data !== undefined && { data }) },
  };
}

/** An SSE answer: the events, then the end of the stream (or an open one, for GET). */
export function sse(
  state: McpState,
  events: unknown[],
  headers: Record<string, string> = {},
  open = false,
): Response {
  const text = events.map((event) => `event: message\ndata: ${JSON.stringify(event)}\n\n`).join('');
  const buffered = state.faults.has('sse-buffered');
  const base: Record<string, string> = buffered
    ? { 'content-type': 'text/event-stream', 'content-length': String(Buffer.byteLength(text)) }
    : {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
      };
  if (buffered && !open) return new Response(text, { headers: { ...base, ...headers } });
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(open ? ': stream open\n\n' : text));
      if (!open) controller.close();
    },
  });
  return new Response(body, { headers: { ...base, ...headers } });
}

function call(
  state: McpState,
  message: Message,
  extra: Record<string, unknown>,
): Response | object {
  const token = (message.params?._meta as { progressToken?: unknown } | undefined)?.progressToken;
  const result = {
    jsonrpc: '2.0',
    id: message.id,
    result: { content: [{ type: 'text', text: '1, 2, 3' }], ...extra },
  };
  if (token === undefined) return result;
  const progress = [1, 2, 3].map((step) => ({
    jsonrpc: '2.0',
    method: 'notifications/progress',
    params: { progressToken: token, progress: step, total: 3 },
  }));
  return sse(state, [...progress, result]);
}

/** 2026-07-28: every request self-contained, headers agreeing with the body. */
export function modernAnswer(
  c: Context,
  state: McpState,
  message: Message,
  version: string,
): Response {
  const method = String(message.method);
  const header = (name: string) => c.req.header(name);
  const name = message.params?.name;
  if (
    header('mcp-protocol-version') !== version ||
    header('mcp-method') !== method ||
    (method === 'tools/call' && header('mcp-name') !== name)
  )
    return c.json(rpcError(message.id, -32020, 'Header mismatch'), 400);
  if (version !== MODERN)
    return c.json(
      rpcError(message.id, -32022, 'Unsupported protocol version', {
        supported: [MODERN],
        requested: version,
      }),
      400,
    );
  if (!('id' in message)) return c.body(null, 202);
  const cache = { resultType: 'complete', ttlMs: 0, cacheScope: 'private' };
  const answer = (result: object) =>
    c.json({ jsonrpc: '2.0', id: message.id, result: { ...result, ...cache } });
  if (method === 'server/discover')
    return answer({
      supportedVersions: [MODERN],
      capabilities: { tools: {} },
      _meta: { 'io.modelcontextprotocol/serverInfo': SERVER_INFO },
    });
  if (method === 'tools/list') return answer({ tools: TOOLS });
  if (method === 'tools/call') {
    const answered = call(state, message, cache);
    return answered instanceof Response ? answered : c.json(answered);
  }
  return c.json(rpcError(message.id, -32601, 'Method not found'), 404);
}

function mint(state: McpState): string {
  state.minted++;
  return state.faults.has('sequential-session-ids')
    ? `session-${state.minted}`
    : randomBytes(16).toString('base64url');
}

/** The session rules of the 2025 lane; a Response when the request may not go on. */
export function sessionRefusal(c: Context, state: McpState, id: unknown): Response | undefined {
  if (!state.sessions) return undefined;
  const session = c.req.header('mcp-session-id');
  if (!session) {
    if (state.faults.has('session-optional')) return undefined;
    return c.json(rpcError(id, -32600, 'Bad Request: Mcp-Session-Id header is required'), 400);
  }
  if (state.live.has(session)) return undefined;
  if (state.faults.has('unknown-session-400'))
    return c.json(rpcError(id, -32600, 'Bad session'), 400);
  return c.json(rpcError(id, -31404, 'Session not found'), 404);
}

/** 2025-11-25: initialize (and a session when the server keeps them), then requests. */
export function legacyAnswer(c: Context, state: McpState, message: Message): Response {
  const answer = (event: object, headers: Record<string, string> = {}) =>
    state.json ? c.json(event, 200, headers) : sse(state, [event], headers);
  if (message.method === 'initialize') {
    const headers: Record<string, string> = {};
    if (state.sessions) {
      const id = mint(state);
      state.live.add(id);
      headers['mcp-session-id'] = id;
    }
    const result = {
      protocolVersion: LEGACY,
      capabilities: { tools: {} },
      serverInfo: SERVER_INFO,
    };
    return answer({ jsonrpc: '2.0', id: message.id, result }, headers);
  }
  const refused = sessionRefusal(c, state, message.id);
  if (refused) return refused;
  if (!('id' in message))
    return state.faults.has('initialized-200') ? c.json({ ok: true }) : c.body(null, 202);
  if (message.method === 'ping') return answer({ jsonrpc: '2.0', id: message.id, result: {} });
  if (message.method === 'tools/list')
    return answer({ jsonrpc: '2.0', id: message.id, result: { tools: TOOLS } });
  if (message.method === 'tools/call') {
    const answered = call(state, message, {});
    return answered instanceof Response ? answered : answer(answered);
  }
  return answer(rpcError(message.id, -32601, 'Method not found'));
}

export function isModern(message: Message, state: McpState): string | undefined {
  const version = (message.params?._meta as Record<string, unknown> | undefined)?.[META_VERSION];
  return typeof version === 'string' && !state.faults.has('no-modern') ? version : undefined;
}
