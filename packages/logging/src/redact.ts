/**
 * Keys whose values never reach a log line, at any of the first three levels of nesting
 * (`authorization`, `req.headers.authorization`, `ctx.req.headers.authorization`).
 * Header names appear in their lowercase form because Node, fetch and Hono lowercase them.
 */
export const SECRET_KEYS: readonly string[] = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'apiKey',
  'api_key',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'clientSecret',
  'client_secret',
  'password',
  'secret',
  'privateKey',
  'private_key',
];

function pathFor(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
}

function join(prefix: string, key: string): string {
  const segment = pathFor(key);
  return segment.startsWith('[') ? `${prefix}${segment}` : `${prefix}.${segment}`;
}

/** fast-redact paths covering each secret key at depth 0, 1 and 2. */
export function redactPaths(keys: readonly string[] = SECRET_KEYS): string[] {
  return keys.flatMap((key) => [pathFor(key), join('*', key), join('*.*', key)]);
}

export const REDACTED = '[REDACTED]';
