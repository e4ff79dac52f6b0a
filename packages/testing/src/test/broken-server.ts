/**
 * The deliberately broken server: a correct minimal MCP server on Hono (both eras, sessions or
 * stateless, optional OAuth or API-key auth) that gets wrong exactly the faults it is given.
 * With no faults every readiness check passes (or is n/a for a stated reason); each fault
 * must make its check fail.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import {
  isModern,
  legacyAnswer,
  type McpState,
  modernAnswer,
  rpcError,
  sessionRefusal,
  sse,
} from './broken-mcp.js';
import type { Fault } from './faults.js';

export const ALLOWED_ORIGIN = 'https://app.readiness.test';
const ALLOW_HEADERS =
  'Content-Type, Authorization, Mcp-Session-Id, MCP-Protocol-Version, Mcp-Method, Mcp-Name, Last-Event-ID';
const BODY_LIMIT = 1024 * 1024;

export interface BrokenServerOptions {
  /** 2025 sessions (Mcp-Session-Id) or a stateless 2025 lane. @default true */
  sessions?: boolean;
  auth?: 'none' | 'oauth' | 'apikey';
  /** 2025 answers as JSON bodies rather than SSE (only tool calls with progress stream). */
  json?: boolean;
  faults?: readonly Fault[];
}

export interface BrokenServer {
  /** The MCP endpoint. */
  url: string;
  /** Headers that authorize a request (empty without auth); the token is a secret. */
  credentials: Record<string, string>;
  token: string;
  close(): Promise<void>;
}

export async function startBrokenServer(options: BrokenServerOptions = {}): Promise<BrokenServer> {
  const faults = new Set(options.faults ?? []);
  const has = (fault: Fault) => faults.has(fault);
  const state: McpState = {
    faults,
    sessions: options.sessions ?? true,
    json: options.json ?? false,
    live: new Set(),
    minted: 0,
    broken: false,
  };
  const auth = options.auth ?? 'none';
  const token = `readiness-secret-${randomUUID()}`;
  let origin = '';
  const app = new Hono();

  // CORS first, so refusals (401, 403) carry it too.
  app.use('*', async (c, next) => {
    const from = c.req.header('origin');
    const allowed = from !== undefined && (from === ALLOWED_ORIGIN || has('cors-any-origin'));
    if (c.req.method === 'OPTIONS') {
      if (!allowed) return c.body(null, 403, { vary: 'Origin' });
      return c.body(null, 204, {
        'access-control-allow-origin': from,
        'access-control-allow-methods': 'GET, POST, DELETE',
        'access-control-allow-headers': has('cors-narrow-allow-headers')
          ? 'Content-Type, Authorization'
          : ALLOW_HEADERS,
        vary: 'Origin',
      });
    }
    await next();
    if (!allowed) return;
    c.res.headers.set('access-control-allow-origin', from);
    c.res.headers.append('vary', 'Origin');
    if (!has('cors-no-expose'))
      c.res.headers.set('access-control-expose-headers', 'Mcp-Session-Id, WWW-Authenticate');
  });

  // DNS-rebinding protection.
  app.use('/mcp', async (c, next) => {
    const host = c.req.header('host') ?? '';
    const port = new URL(origin).port;
    if (!has('any-host') && host !== `127.0.0.1:${port}` && host !== `localhost:${port}`)
      return c.json(rpcError(null, -31403, 'Forbidden: Host'), 403);
    const from = c.req.header('origin');
    if (from && from !== ALLOWED_ORIGIN && !has('any-origin'))
      return c.json(rpcError(null, -31403, 'Forbidden: Origin'), 403);
    return next();
  });

  // OAuth discovery: Protected Resource Metadata, and this server as its own authorization server.
  if (auth === 'oauth') {
    const prm = (c: Context) =>
      c.json({
        resource: has('prm-wrong-resource') ? 'http://10.0.0.12:8080/mcp' : `${origin}/mcp`,
        authorization_servers: [origin],
        bearer_methods_supported: ['header'],
      });
    app.get('/.well-known/oauth-protected-resource/mcp', prm);
    app.get('/.well-known/oauth-protected-resource', prm);
    app.get('/.well-known/oauth-authorization-server', (c) =>
      c.json({
        issuer: has('issuer-trailing-slash') ? `${origin}/` : origin,
        authorization_endpoint: `${origin}/authorize`,
        token_endpoint: `${origin}/token`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: has('pkce-plain') ? ['plain'] : ['S256'],
        ...(!has('no-client-registration') && {
          client_id_metadata_document_supported: true,
          registration_endpoint: `${origin}/register`,
        }),
      }),
    );
    app.post('/register', async (c) => {
      const metadata = (await c.req.json()) as { redirect_uris?: string[] };
      const plainHttp = (metadata.redirect_uris ?? []).some((uri) => {
        const url = URL.parse(uri);
        return (
          url?.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
        );
      });
      if (plainHttp && !has('dcr-any-redirect'))
        return c.json({ error: 'invalid_redirect_uri', error_description: 'https only' }, 400);
      return c.json({ ...metadata, client_id: `client-${Date.now()}` }, 201);
    });
  }
  if (auth !== 'none') {
    app.use('/mcp', async (c, next) => {
      const given = c.req.header('authorization');
      if (given === `Bearer ${token}` || (has('any-token') && given?.startsWith('Bearer ')))
        return next();
      const metadata =
        auth === 'oauth'
          ? ` resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`
          : '';
      const error = given ? `${metadata ? ',' : ''} error="invalid_token"` : '';
      const message = has('stack-in-401')
        ? `Unauthorized: ${new Error('jwt malformed').stack}`
        : 'Unauthorized';
      return c.json(rpcError(null, -31401, message), 401, {
        'www-authenticate': `Bearer${metadata}${error}`,
      });
    });
  }

  const refuse = (c: Context, status: 400 | 406 | 413 | 415, code: number, message: string) => {
    if (has('stops-serving')) state.broken = true;
    return c.json(rpcError(null, code, message), status);
  };
  app.post('/mcp', async (c) => {
    if (state.broken) return c.text('Service Unavailable', 503);
    if (!(c.req.header('content-type') ?? '').startsWith('application/json'))
      return refuse(c, 415, -31415, 'Unsupported Media Type');
    const accept = c.req.header('accept') ?? '';
    if (!accept.includes('application/json') || !accept.includes('text/event-stream'))
      return refuse(c, 406, -31406, 'Not Acceptable');
    if (!has('no-body-limit') && Number(c.req.header('content-length') ?? 0) > BODY_LIMIT)
      return refuse(c, 413, -31413, 'Payload Too Large');
    const text = await c.req.text();
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (error) {
      // The classic error page: the exception and the request's headers, credentials included.
      if (has('parse-error-500'))
        return c.text(`authorization=${c.req.header('authorization')} ${String(error)}`, 500);
      return refuse(c, 400, -32700, 'Parse error');
    }
    if (Array.isArray(message))
      return refuse(c, 400, -32600, 'Invalid request: batches are not supported');
    if (
      typeof message !== 'object' ||
      message === null ||
      (message as { jsonrpc?: unknown }).jsonrpc !== '2.0' ||
      typeof (message as { method?: unknown }).method !== 'string'
    )
      return refuse(c, 400, -32600, 'Invalid request');
    const version = isModern(message, state);
    return version ? modernAnswer(c, state, message, version) : legacyAnswer(c, state, message);
  });

  // GET opens a session's stream; DELETE ends a session. A stateless endpoint has neither.
  app.on(['GET', 'DELETE'], '/mcp', (c) => {
    if (has('get-404')) return c.json(rpcError(null, -31404, 'Not found'), 404);
    if (!state.sessions)
      return c.json(rpcError(null, -31405, 'Method not allowed'), 405, { allow: 'POST' });
    const refused = sessionRefusal(c, state, null);
    if (refused) return refused;
    const session = c.req.header('mcp-session-id') ?? '';
    if (c.req.method === 'DELETE') {
      if (!has('delete-ignored')) state.live.delete(session);
      return c.body(null, 200);
    }
    if (!(c.req.header('accept') ?? '').includes('text/event-stream'))
      return c.json(rpcError(null, -31406, 'Not Acceptable'), 406);
    return sse(state, [], {}, true);
  });

  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () =>
      resolve(started as Server),
    );
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/mcp`,
    credentials: auth === 'none' ? {} : { authorization: `Bearer ${token}` },
    token,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
