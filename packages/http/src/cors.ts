import { originAllowed } from './origins.js';

export interface CorsPolicy {
  /** Origin patterns allowed to call from a browser. `*` is refused when credentials are on. */
  allowedOrigins: readonly string[];
  /** Send `Access-Control-Allow-Credentials: true` (cookies or HTTP auth from the browser). */
  allowCredentials?: boolean;
  /** How long a browser may cache a preflight answer. @default 600 */
  maxAgeSeconds?: number;
}

/** The request headers MCP clients send; browsers must be allowed to send them. */
export const CORS_ALLOW_HEADERS = [
  'Content-Type',
  'Authorization',
  'Mcp-Session-Id',
  'MCP-Protocol-Version',
  'Mcp-Method',
  'Mcp-Name',
  'Last-Event-ID',
  'X-Request-Id',
].join(', ');

/** The response headers a browser client must be able to read. */
export const CORS_EXPOSE_HEADERS = [
  'Mcp-Session-Id',
  'WWW-Authenticate',
  'X-Request-Id',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
].join(', ');

export const CORS_ALLOW_METHODS = 'GET, POST, DELETE, OPTIONS';

export interface CorsResult {
  /** False when the request carries an Origin that is not allowed. */
  allowed: boolean;
  headers: Record<string, string>;
}

export function assertValidCorsPolicy(policy: CorsPolicy): void {
  if (policy.allowCredentials && policy.allowedOrigins.includes('*')) {
    throw new Error('CORS: "*" cannot be combined with credentials; list the allowed origins');
  }
}

/** CORS headers for an ordinary (non-preflight) request. */
export function corsHeaders(origin: string | null | undefined, policy: CorsPolicy): CorsResult {
  if (!origin) return { allowed: true, headers: {} };
  if (!originAllowed(origin, policy.allowedOrigins))
    return { allowed: false, headers: { Vary: 'Origin' } };
  const wildcard = policy.allowedOrigins.includes('*') && !policy.allowCredentials;
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': wildcard ? '*' : origin,
    'Access-Control-Expose-Headers': CORS_EXPOSE_HEADERS,
    Vary: 'Origin',
  };
  if (policy.allowCredentials) headers['Access-Control-Allow-Credentials'] = 'true';
  return { allowed: true, headers };
}

/** The answer to an `OPTIONS` preflight: 204 with the allowances, or 403 for a stranger. */
export function preflight(
  origin: string | null | undefined,
  policy: CorsPolicy,
): { status: 204 | 403; headers: Record<string, string> } {
  const result = corsHeaders(origin, policy);
  if (!origin || !result.allowed) return { status: 403, headers: { Vary: 'Origin' } };
  return {
    status: 204,
    headers: {
      ...result.headers,
      'Access-Control-Allow-Methods': CORS_ALLOW_METHODS,
      'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
      'Access-Control-Max-Age': String(policy.maxAgeSeconds ?? 600),
    },
  };
}
