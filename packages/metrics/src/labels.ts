/**
 * Label values, all from closed lists. A label value taken from a request as it is (a session
 * id, a principal, a tool name a client made up) would create one time series per value and
 * eventually exhaust Prometheus; so every value here is mapped onto a short, fixed list.
 */

/** Methods a client sends to a server, both eras (2025-11-25 and 2026-07-28). */
export const MCP_METHODS: readonly string[] = [
  'initialize',
  'ping',
  'server/discover',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'subscriptions/listen',
  'tasks/get',
  'tasks/result',
  'tasks/list',
  'tasks/cancel',
  'notifications/initialized',
  'notifications/cancelled',
  'notifications/progress',
  'notifications/roots/list_changed',
  'notifications/tasks/status',
];

const KNOWN_METHODS: ReadonlySet<string> = new Set(MCP_METHODS);

/**
 * The `method` label: a spec method as it is, `other` for anything else, `response` for a
 * message without a method (a 2025 client answering a server request), `unknown` when the
 * request was refused before its body was read (a 401 comes before parsing).
 */
export function methodLabel(method: string | undefined, parsed: boolean): string {
  if (method === undefined) return parsed ? 'response' : 'unknown';
  return KNOWN_METHODS.has(method) ? method : 'other';
}

/** The pipeline's name for the two protocol eras (`McpPost['era']` in @mcp-runway/http). */
export type Era = 'modern' | 'legacy';
export type EraLabel = '2025' | '2026' | 'unknown';
export const ERA_LABELS: readonly EraLabel[] = ['2025', '2026', 'unknown'];

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The `era` label. From the parsed message when there is one: the era the pipeline's body
 * check decided once with the SDK's classifier (`McpPost['era']`), the one routing and the
 * access log use, never classified again here. Only a request with no parsed message (refused
 * before its body was read, or a body-less GET or DELETE) is labelled from its
 * `MCP-Protocol-Version` header (modern clients send it on every request, 2025 clients after
 * initialize), so it still says which era sent it; that label routes nothing.
 */
export function eraLabel(era: Era | undefined, protocolVersionHeader?: string): EraLabel {
  if (era === 'modern') return '2026';
  if (era === 'legacy') return '2025';
  if (protocolVersionHeader === undefined || !DATE.test(protocolVersionHeader)) return 'unknown';
  return protocolVersionHeader >= '2026-07-28' ? '2026' : '2025';
}

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';
export const STATUS_CLASSES: readonly StatusClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx'];

export function statusClass(status: number): StatusClass {
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  if (status >= 300) return '3xx';
  if (status >= 200) return '2xx';
  return '1xx';
}

/**
 * How one MCP request ended, from the caller's point of view:
 * `ok` it was answered (a JSON-RPC error inside a 200 still counts here; tool failures are
 * in the tool metrics), `rejected` it was refused because of the caller (credentials, limits,
 * malformed or unsupported input: any 4xx), `error` the server failed (5xx).
 */
export type RequestOutcome = 'ok' | 'error' | 'rejected';
export const REQUEST_OUTCOMES: readonly RequestOutcome[] = ['ok', 'error', 'rejected'];

export function requestOutcome(status: number): RequestOutcome {
  if (status >= 500) return 'error';
  if (status >= 400) return 'rejected';
  return 'ok';
}

/**
 * How one tool call ended: `ok`; `tool_error` a result with `isError: true` (the tool said
 * no, or its input or output failed validation: the model can read why and retry);
 * `protocol_error` a JSON-RPC error instead of a result (an unknown or disabled tool).
 */
export type ToolOutcome = 'ok' | 'tool_error' | 'protocol_error';
export const TOOL_OUTCOMES: readonly ToolOutcome[] = ['ok', 'tool_error', 'protocol_error'];

/** Why a request failed authentication or authorization. */
export type AuthFailureReason =
  | 'missing'
  | 'invalid'
  | 'malformed'
  | 'insufficient_scope'
  | 'unavailable'
  | 'other';
export const AUTH_FAILURE_REASONS: readonly AuthFailureReason[] = [
  'missing',
  'invalid',
  'malformed',
  'insufficient_scope',
  'unavailable',
  'other',
];

/**
 * Which limit refused a request with 429: the caller's budget of points (`global`) or a tool's
 * own limit (`tool`); one caller's running tool calls or open streams, or everyone's in this
 * process (`concurrent_*`, `total_*`); or too many failed authentications from the address
 * (`auth_failures`). @mcp-runway/rate-limit names them on its errors.
 */
export type RateLimitScope =
  | 'global'
  | 'tool'
  | 'concurrent_calls'
  | 'concurrent_streams'
  | 'total_calls'
  | 'total_streams'
  | 'auth_failures';
export const RATE_LIMIT_SCOPES: readonly RateLimitScope[] = [
  'global',
  'tool',
  'concurrent_calls',
  'concurrent_streams',
  'total_calls',
  'total_streams',
  'auth_failures',
];

/** What talked to Redis when it failed. */
export type RedisComponent = 'rate_limit' | 'sessions' | 'event_store' | 'event_bus' | 'other';
export const REDIS_COMPONENTS: readonly RedisComponent[] = [
  'rate_limit',
  'sessions',
  'event_store',
  'event_bus',
  'other',
];

export function oneOf<T extends string>(value: string, allowed: readonly T[], fallback: T): T {
  return (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** The semantic conventions' fallback value for an attribute outside its known list. */
export const OTHER = '_OTHER';

/** MCP revisions a server may see; any other `mcp.protocol.version` is `_OTHER`. */
export const PROTOCOL_VERSIONS: readonly string[] = [
  '2024-11-05',
  '2025-03-26',
  '2025-06-18',
  '2025-11-25',
  '2026-07-28',
];

/** `mcp.protocol.version` from a closed list: a client can send any string there. */
export function protocolVersionLabel(version: string | undefined): string | undefined {
  if (version === undefined) return undefined;
  return PROTOCOL_VERSIONS.includes(version) ? version : OTHER;
}

/** `mcp.method.name`: a spec method as it is, `_OTHER` for anything a client made up. */
export function operationMethod(method: string): string {
  return KNOWN_METHODS.has(method) ? method : OTHER;
}
