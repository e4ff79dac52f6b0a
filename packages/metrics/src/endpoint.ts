/**
 * The `/metrics` answer and its optional Bearer token, framework-neutral: the node:http
 * listener (`serveMetrics`) and the Hono handler (`metricsEndpoint`) both use these.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';

/**
 * A constant-time check of `Authorization: Bearer <token>`. Both sides are hashed first, so
 * the comparison takes the same time whatever the length of what was presented.
 */
export function bearerTokenCheck(
  token: string,
): (authorization: string | null | undefined) => boolean {
  if (token.length === 0) throw new TypeError('metrics token: must not be empty');
  const expected = createHash('sha256').update(token).digest();
  return (authorization) => {
    const match = /^bearer +(\S+)\s*$/i.exec(authorization ?? '');
    const presented = createHash('sha256')
      .update(match?.[1] ?? '')
      .digest();
    return timingSafeEqual(presented, expected) && match !== null;
  };
}

export interface MetricsAnswer {
  status: 200 | 401;
  headers: Record<string, string>;
  body: string;
}

/** What `GET /metrics` answers: the exposition text, or 401 with a Bearer challenge. */
export async function metricsAnswer(
  registry: Registry,
  authorized: boolean,
): Promise<MetricsAnswer> {
  if (!authorized) {
    return {
      status: 401,
      headers: {
        'Content-Type': 'text/plain; charset=utf-8',
        'WWW-Authenticate': 'Bearer realm="metrics"',
        'Cache-Control': 'no-store',
      },
      body: 'Unauthorized\n',
    };
  }
  return {
    status: 200,
    headers: { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' },
    body: await registry.metrics(),
  };
}
