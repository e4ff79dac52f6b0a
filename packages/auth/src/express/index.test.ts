import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toErrorResponse } from '@mcp-runway/errors';
import express, { type ErrorRequestHandler, type Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApiKeyAuthenticator,
  hashApiKey,
  mintApiKey,
  prmUrls,
  protectedResourceMetadata,
} from '../index.js';
import {
  authenticate,
  protectedResourceMetadataHandler,
  requireToolScopes,
  type ToolScopeLocals,
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

/** A stand-in for the pipeline: errors answered as the http package's errorHandler does. */
function app(): express.Express {
  const app = express();
  const metadata = protectedResourceMetadataHandler(
    protectedResourceMetadata({
      resource: RESOURCE,
      authorizationServers: ['https://login.example.com'],
    }),
  );
  for (const path of prm.paths) app.get(path, metadata);
  app.post(
    '/mcp',
    authenticate<ToolScopeLocals>(createApiKeyAuthenticator(keys, { challenge })),
    express.json(), // fine in this test; the apps parse with @mcp-runway/http's mcpPost
    (req, res: Response<unknown, ToolScopeLocals>, next) => {
      const body = req.body as { method?: string; params?: { name?: string } };
      res.locals.mcp = { method: body.method, toolName: body.params?.name };
      next();
    },
    requireToolScopes<ToolScopeLocals>(policies, challenge),
    (_req, res: Response<unknown, ToolScopeLocals>) => {
      res.json({ principal: res.locals.principal, authInfo: res.locals.authInfo });
    },
  );
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    const { httpStatus, headers, body } = toErrorResponse(error);
    res.status(httpStatus).set(headers).json(body);
  };
  app.use(onError);
  return app;
}

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer(app());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const callTool = (name: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name } }),
  });

describe('express authenticate', () => {
  it('puts the principal and the SDK AuthInfo on res.locals', async () => {
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

describe('express requireToolScopes', () => {
  it('refuses a write tool to a caller without the write scope (403 step-up), admits one with it', async () => {
    const refused = await callTool('create_note', { authorization: `Bearer ${readerKey}` });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(await refused.json()).toMatchObject({
      error: { code: -31403, data: { requiredScopes: ['notes:write'] } },
    });
    const allowed = await callTool('create_note', { authorization: `Bearer ${writerKey}` });
    expect(allowed.status).toBe(200);
  });
});

describe('express protectedResourceMetadataHandler', () => {
  it.each(prm.paths)('serves the metadata document at %s', async (path) => {
    const response = await fetch(`${base}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      resource: RESOURCE,
      authorization_servers: ['https://login.example.com'],
      bearer_methods_supported: ['header'],
    });
  });
});
