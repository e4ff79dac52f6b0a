/**
 * Pure decisions about one HTTP request to the 2025-era session endpoint: what it asks for
 * (a new session, a request on an existing one, the end of one), or why it is refused.
 */
import { InvalidRequestError, MethodNotAllowedError, type RunwayError } from '@mcp-runway/errors';
import { MissingSessionIdError, SessionNotFoundError } from './errors.js';
import { isValidSessionId } from './session-id.js';

export type JsonRpcObject = Record<string, unknown>;

export interface SessionRequest {
  /** GET, POST or DELETE (any case). */
  httpMethod: string;
  /** The Mcp-Session-Id header, if any. */
  sessionId: string | undefined;
  /** The parsed JSON body of a POST; undefined for GET and DELETE. */
  body: unknown;
}

export type SessionRoute =
  /** An initialize request: start a session. Any Mcp-Session-Id header is ignored. */
  | { action: 'create'; initialize: JsonRpcObject }
  /** GET (stream, resume) or POST (messages) on an existing session. */
  | { action: 'use'; sessionId: string }
  /** DELETE: end the session. */
  | { action: 'end'; sessionId: string }
  | { action: 'refuse'; error: RunwayError };

export const SESSION_METHODS: readonly string[] = ['GET', 'POST', 'DELETE'];

function isObject(value: unknown): value is JsonRpcObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The initialize request in a POST body, or undefined when the body holds none. */
function initializeIn(body: unknown): JsonRpcObject | RunwayError | undefined {
  const messages = Array.isArray(body) ? body : [body];
  const initialize = messages.find(
    (message) => isObject(message) && message.method === 'initialize',
  );
  if (!isObject(initialize)) return undefined;
  // 2025-11-25 has no batches; the SDK accepts them, but never with initialize in company.
  if (messages.length > 1) {
    return new InvalidRequestError('Invalid request: initialize must be sent on its own');
  }
  return initialize;
}

export function routeSessionRequest(request: SessionRequest): SessionRoute {
  const httpMethod = request.httpMethod.toUpperCase();
  if (!SESSION_METHODS.includes(httpMethod)) {
    return { action: 'refuse', error: new MethodNotAllowedError(httpMethod, SESSION_METHODS) };
  }
  if (httpMethod === 'POST') {
    const initialize = initializeIn(request.body);
    if (initialize instanceof Error) return { action: 'refuse', error: initialize };
    if (initialize) return { action: 'create', initialize };
  }
  const { sessionId } = request;
  if (sessionId === undefined) return { action: 'refuse', error: new MissingSessionIdError() };
  // Not a shape we ever issue: unknown by definition, and not worth a store lookup.
  if (!isValidSessionId(sessionId)) return { action: 'refuse', error: new SessionNotFoundError() };
  return httpMethod === 'DELETE' ? { action: 'end', sessionId } : { action: 'use', sessionId };
}

/** The levels `logging/setLevel` may set (the spec's syslog levels). */
const LOG_LEVELS: ReadonlySet<unknown> = new Set([
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
]);

/**
 * `logging/setLevel`'s level when the body is that request and the level is one: state to
 * replay on another instance. Anything else is no level (the server refuses it), so a session
 * never keeps more than a word of it.
 */
export function logLevelSetBy(body: unknown): string | undefined {
  if (!isObject(body) || body.method !== 'logging/setLevel' || !isObject(body.params)) return;
  const { level } = body.params;
  return LOG_LEVELS.has(level) ? (level as string) : undefined;
}
