/** The MCP messages and headers the checks send, for both protocol eras. */

export const LEGACY_VERSION = '2025-11-25';
export const MODERN_VERSION = '2026-07-28';
export const PROTOCOL_VERSION_META = 'io.modelcontextprotocol/protocolVersion';
export const CLIENT_CAPABILITIES_META = 'io.modelcontextprotocol/clientCapabilities';

/** What every MCP POST carries: a JSON body, and an Accept listing both answer formats. */
export const POST_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

export const CLIENT_INFO = { name: 'mcp-runway-readiness', version: '0.1.0' };

export interface McpMessage {
  headers: Record<string, string>;
  body: string;
}

let nextId = 1;
const id = () => nextId++;

export function initialize(): McpMessage {
  return {
    headers: { ...POST_HEADERS },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: id(),
      method: 'initialize',
      params: { protocolVersion: LEGACY_VERSION, capabilities: {}, clientInfo: CLIENT_INFO },
    }),
  };
}

/** A 2025-era request or notification after initialize, on the session when there is one. */
export function legacy(
  method: string,
  params: Record<string, unknown> | undefined,
  lane: { sessionId?: string | undefined; version?: string | undefined } = {},
  notification = false,
): McpMessage {
  const headers: Record<string, string> = {
    ...POST_HEADERS,
    'mcp-protocol-version': lane.version ?? LEGACY_VERSION,
  };
  if (lane.sessionId) headers['mcp-session-id'] = lane.sessionId;
  const message = notification
    ? { jsonrpc: '2.0', method, ...(params && { params }) }
    : { jsonrpc: '2.0', id: id(), method, ...(params && { params }) };
  return { headers, body: JSON.stringify(message) };
}

export interface ModernOverrides {
  /** The `_meta` protocol version (a wrong one tests -32022). */
  version?: string;
  /** Header values that disagree with the body (tests -32020). */
  headers?: Record<string, string>;
}

/** The header a 2026-07-28 request names its target in (`Mcp-Name`), when it has one. */
function nameOf(method: string, params: Record<string, unknown>): string | undefined {
  const value =
    method === 'resources/read'
      ? params.uri
      : method.endsWith('/call') || method === 'prompts/get'
        ? params.name
        : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** A self-contained 2026-07-28 request: `_meta` in the body, the same facts in headers. */
export function modern(
  method: string,
  params: Record<string, unknown> = {},
  overrides: ModernOverrides = {},
): McpMessage {
  const version = overrides.version ?? MODERN_VERSION;
  const headers: Record<string, string> = {
    ...POST_HEADERS,
    'mcp-protocol-version': version,
    'mcp-method': method,
  };
  const name = nameOf(method, params);
  if (name !== undefined) headers['mcp-name'] = name;
  const meta = {
    ...(params._meta as Record<string, unknown> | undefined),
    [PROTOCOL_VERSION_META]: version,
    [CLIENT_CAPABILITIES_META]: {},
  };
  return {
    headers: { ...headers, ...overrides.headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: id(), method, params: { ...params, _meta: meta } }),
  };
}
