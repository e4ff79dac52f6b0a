import { toErrorResponse } from '@mcp-runway/errors';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { describe, expect, it } from 'vitest';
import {
  createApiKeyAuthenticator,
  hashApiKey,
  type McpCall,
  mintApiKey,
  prmUrls,
  protectedResourceMetadata,
} from '../index.js';
import {
  type AuthEnv,
  authenticate,
  protectedResourceMetadataHandler,
  requireToolScopes,
} from './index.js';

const RESOURCE = 'https://mcp.example.com/mcp';
const prm = prmUrls(RESOURCE);
const challenge = { resourceMetadataUrl: prm.url, scopes: ['notes:read'] };
const policies = { search_notes: { scopes: [] }, create_note: { scopes: ['notes:write'] } };
const readerKey = mintApiKey();
const writerKey = mintApiKey();
const keys = [
  { principal: 'reader', scopes: ['notes:read'], hash: hashApiKey(readerKey) },
  { principal: 'writer', scopes: ['notes:read', 'notes:write'], hash: hashApiKey(writerKey) },
];

type Env = AuthEnv & { Variables: { mcp: McpCall | undefined } };

/** A stand-in for the pipeline: errors answered as the http package's errorHandler does. */
function app(): Hono<Env> {
  const hono = new Hono<Env>();
  hono.onError((error, c) => {
    const { httpStatus, headers, body } = toErrorResponse(error);
    return c.json(body, httpStatus as ContentfulStatusCode, { ...headers });
  });
  const metadata = protectedResourceMetadataHandler(
    protectedResourceMetadata({
      resource: RESOURCE,
      authorizationServers: ['https://login.example.com'],
    }),
  );
  for (const path of prm.paths) hono.get(path, metadata);
  hono.post(
    '/mcp',
    authenticate(
      createApiKeyAuthenticator(
        keys.map((key) => ({ ...key })),
        { challenge },
      ),
    ),
    async (c, next) => {
      const body = (await c.req.json()) as { method?: string; params?: { name?: string } };
      c.set('mcp', { method: body.method, toolName: body.params?.name });
      await next();
    },
    requireToolScopes(policies, challenge),
    (c) => c.json({ principal: c.var.principal, authInfo: c.var.authInfo }),
  );
  return hono;
}

const callTool = (name: string, headers: Record<string, string> = {}) =>
  app().request('/mcp', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name } }),
  });

describe('authenticate', () => {
  it('puts the principal and the SDK AuthInfo on the context', async () => {
    const response = await callTool('search_notes', { 'x-api-key': readerKey });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      principal: { id: 'reader', clientId: 'reader', scopes: ['notes:read'], kind: 'apikey' },
      authInfo: {
        token: '',
        clientId: 'reader',
        scopes: ['notes:read'],
        extra: { sub: 'reader', kind: 'apikey' },
      },
    });
  });

  it('answers a request without credentials with 401, a challenge and a JSON-RPC error', async () => {
    const response = await callTool('search_notes');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer scope="notes:read", resource_metadata="${prm.url}"`,
    );
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -31401 } });
  });
});

describe('requireToolScopes', () => {
  it('refuses a write tool to a caller without the write scope: 403 insufficient_scope', async () => {
    const response = await callTool('create_note', { authorization: `Bearer ${readerKey}` });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", error_description="this call needs scope notes:write", ' +
        `scope="notes:write", resource_metadata="${prm.url}"`,
    );
    expect(await response.json()).toMatchObject({
      error: { code: -31403, data: { requiredScopes: ['notes:write'] } },
    });
  });

  it('lets the write tool through for a caller holding the scope', async () => {
    const response = await callTool('create_note', { authorization: `Bearer ${writerKey}` });
    expect(response.status).toBe(200);
  });
});

describe('protectedResourceMetadataHandler', () => {
  it.each(prm.paths)('serves the metadata document at %s', async (path) => {
    const response = await app().request(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.json()).toEqual({
      resource: RESOURCE,
      authorization_servers: ['https://login.example.com'],
      bearer_methods_supported: ['header'],
    });
  });
});
