/**
 * The whole story with real parts: the official SDK client, doing machine auth
 * (client_credentials), against an MCP server protected by this package, with a real
 * authorization server (oidc-provider) on loopback. The client starts with nothing, gets a
 * 401, follows `resource_metadata` to our metadata, discovers the authorization server, gets a
 * token for this resource, and calls tools; a write tool triggers a 403 step-up.
 */
import { toErrorResponse } from '@mcp-runway/errors';
import { createLogger } from '@mcp-runway/logging';
import {
  Client,
  ClientCredentialsProvider,
  type FetchLike,
  OAuthError,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuthEnv,
  authenticate,
  protectedResourceMetadataHandler,
  requireToolScopes,
} from './hono/index.js';
import {
  canonicalResourceUri,
  createJwtAuthenticator,
  type McpCall,
  prmUrls,
  protectedResourceMetadata,
} from './index.js';
import { captureLogs } from './test/logs.js';
import { type Served, serveFetch } from './test/serve.js';
import {
  startAuthorizationServer,
  type TestAuthorizationServer,
} from './testing/authorization-server.js';

const WRITER = {
  clientId: 'notes-bot',
  clientSecret: 'notes-bot-secret-4f9a',
  scopes: ['notes:read', 'notes:write'],
};
const READER = {
  clientId: 'report-job',
  clientSecret: 'report-job-secret-7c2e',
  scopes: ['notes:read'],
};
const toolPolicies = {
  whoami: { scopes: [], cost: 1 },
  create_note: { scopes: ['notes:write'], cost: 1 },
};

interface Exchange {
  method: string;
  url: string;
  status: number;
  wwwAuthenticate: string | null;
  authorization: string | null;
  body: string | undefined;
}

type Env = AuthEnv & { Variables: { mcp: (McpCall & { message: unknown }) | undefined } };

let as: TestAuthorizationServer;
let served: Served;
let resource: string;
let prmUrl: string;
let app: Hono<Env> | undefined;
let notesCreated = 0;
const logs = captureLogs();
const exchanges: Exchange[] = [];

/** The client's fetch, recording every exchange (MCP, metadata, token) for the assertions. */
const recordingFetch: FetchLike = async (input, init) => {
  const request = new Request(input, init);
  const body = init?.body === undefined || init.body === null ? undefined : String(init.body);
  const response = await fetch(request);
  exchanges.push({
    method: request.method,
    url: request.url,
    status: response.status,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    authorization: request.headers.get('authorization'),
    body,
  });
  return response;
};

function buildApp(): Hono<Env> {
  const logger = createLogger({ name: 'auth-e2e', level: 'debug', destination: logs.stream });
  const challenge = { resourceMetadataUrl: prmUrl, scopes: ['notes:read'] };
  const authenticator = createJwtAuthenticator({
    issuer: as.issuer,
    audience: resource,
    jwksUrl: as.jwksUrl,
    challenge,
    logger,
  });
  const mcp = createMcpHandler(() => {
    const server = new McpServer({ name: 'auth-e2e', version: '1.0.0' });
    server.registerTool('whoami', { description: 'Who is calling, as the tools see it' }, (ctx) => {
      const auth = ctx.http?.authInfo;
      const text = JSON.stringify({ sub: auth?.extra?.sub, scopes: auth?.scopes });
      return { content: [{ type: 'text', text }] };
    });
    server.registerTool('create_note', { description: 'Needs notes:write' }, () => {
      notesCreated += 1;
      return { content: [{ type: 'text', text: `created N-${notesCreated}` }] };
    });
    return server;
  });

  const hono = new Hono<Env>();
  hono.onError((error, c) => {
    const { httpStatus, headers, body } = toErrorResponse(error);
    if (httpStatus >= 500) logger.error({ err: error }, 'request failed');
    return c.json(body, httpStatus as ContentfulStatusCode, { ...headers });
  });
  // An access log that includes every request header: redaction must keep tokens out of it.
  hono.use(async (c, next) => {
    await next();
    const headers = Object.fromEntries(c.req.raw.headers);
    logger.info(
      { req: { method: c.req.method, path: c.req.path, headers }, status: c.res.status },
      'request',
    );
  });
  const metadata = protectedResourceMetadata({
    resource,
    authorizationServers: [as.issuer],
    scopesSupported: ['notes:read', 'notes:write'],
  });
  for (const path of prmUrls(resource).paths)
    hono.get(path, protectedResourceMetadataHandler(metadata));
  hono.post(
    '/mcp',
    authenticate(authenticator),
    async (c, next) => {
      const message = (await c.req.json()) as { method?: string; params?: { name?: string } };
      c.set('mcp', { message, method: message.method, toolName: message.params?.name });
      await next();
    },
    requireToolScopes(toolPolicies, challenge),
    (c) => mcp.fetch(c.req.raw, { authInfo: c.var.authInfo, parsedBody: c.var.mcp?.message }),
  );
  hono.all('/mcp', (c) => c.body(null, 405, { Allow: 'POST' }));
  return hono;
}

beforeAll(async () => {
  // The resource URI names our port, so the socket opens before the app is built.
  served = await serveFetch((request) => (app as Hono<Env>).fetch(request));
  resource = canonicalResourceUri(`${served.url}/mcp`);
  prmUrl = prmUrls(resource).url;
  as = await startAuthorizationServer({
    resources: { [resource]: 'jwt' },
    scopes: ['notes:read', 'notes:write'],
    clients: [WRITER, READER],
  });
  app = buildApp();
});
afterAll(() => Promise.all([served.close(), as.close()]));

function connect(credentials: { clientId: string; clientSecret: string }, mode: 'legacy' | 'auto') {
  const provider = new ClientCredentialsProvider({ ...credentials, expectedIssuer: as.issuer });
  const client = new Client(
    { name: credentials.clientId, version: '1.0.0' },
    { versionNegotiation: { mode } },
  );
  const transport = new StreamableHTTPClientTransport(new URL(resource), {
    authProvider: provider,
    fetch: recordingFetch,
  });
  return { client, provider, connected: client.connect(transport) };
}

const textOf = (result: Awaited<ReturnType<Client['callTool']>>) =>
  (result.content as { type: string; text: string }[])[0]?.text ?? '';
const mcpExchanges = () =>
  exchanges.filter((exchange) => exchange.url === resource && exchange.method === 'POST');
const tokenRequests = () => exchanges.filter((exchange) => exchange.url === `${as.issuer}/token`);

describe.each(['legacy', 'auto'] as const)(
  'the SDK client with client_credentials (%s era negotiation)',
  (mode) => {
    it('starts with a 401, discovers the authorization server, gets a token for this resource and calls a tool', async () => {
      exchanges.length = 0;
      const { client, connected } = connect(WRITER, mode);
      await connected;

      expect(client.getProtocolEra()).toBe(mode === 'auto' ? 'modern' : 'legacy');
      const [first] = mcpExchanges();
      expect(first?.status).toBe(401);
      expect(first?.wwwAuthenticate).toBe(
        `Bearer scope="notes:read", resource_metadata="${prmUrl}"`,
      );
      expect(exchanges.some((exchange) => exchange.url === prmUrl && exchange.status === 200)).toBe(
        true,
      );
      const [token] = tokenRequests();
      expect(token?.status).toBe(200);
      // RFC 8707: the client asked for a token for exactly our resource, with the up-front scope.
      expect(new URLSearchParams(token?.body)).toMatchObject(
        new URLSearchParams({ grant_type: 'client_credentials', scope: 'notes:read', resource }),
      );

      const whoami = JSON.parse(textOf(await client.callTool({ name: 'whoami', arguments: {} })));
      expect(whoami).toEqual({ sub: 'notes-bot', scopes: ['notes:read'] });
      await client.close();
    });

    it('steps up to notes:write when a write tool answers 403 insufficient_scope, then succeeds', async () => {
      exchanges.length = 0;
      const { client, connected } = connect(WRITER, mode);
      await connected;
      const before = notesCreated;

      expect(textOf(await client.callTool({ name: 'create_note', arguments: {} }))).toMatch(
        /^created N-/,
      );
      expect(notesCreated).toBe(before + 1);
      const refused = mcpExchanges().find((exchange) => exchange.status === 403);
      expect(refused?.wwwAuthenticate).toBe(
        'Bearer error="insufficient_scope", error_description="this call needs scope notes:write", ' +
          `scope="notes:write", resource_metadata="${prmUrl}"`,
      );
      expect(new URLSearchParams(tokenRequests().at(-1)?.body).get('scope')).toBe(
        'notes:read notes:write',
      );
      const whoami = JSON.parse(textOf(await client.callTool({ name: 'whoami', arguments: {} })));
      expect(whoami.scopes).toEqual(['notes:read', 'notes:write']);
      await client.close();
    });

    it('refuses the write tool to a client whose registration lacks notes:write', async () => {
      exchanges.length = 0;
      const { client, connected } = connect(READER, mode);
      await connected;
      const before = notesCreated;

      const error = await client
        .callTool({ name: 'create_note', arguments: {} })
        .catch((caught: unknown) => caught);
      expect(notesCreated).toBe(before);
      const refused = mcpExchanges().find((exchange) => exchange.status === 403);
      expect(refused?.wwwAuthenticate).toContain('error="insufficient_scope"');
      expect(refused?.wwwAuthenticate).toContain('scope="notes:write"');
      // The client tried to step up; the authorization server would not widen its grant.
      expect(tokenRequests().at(-1)?.status).toBe(400);
      expect(error).toBeInstanceOf(OAuthError);
      expect((error as OAuthError).code).toBe('invalid_scope');
      // Reading still works.
      expect(JSON.parse(textOf(await client.callTool({ name: 'whoami', arguments: {} }))).sub).toBe(
        'report-job',
      );
      await client.close();
    });
  },
);

describe('across the whole run', () => {
  it('fetched the JWKS once', () => {
    expect(as.requests.get('/jwks')).toBe(1);
  });

  it('never wrote a token or a client secret to the log, refused ones included', async () => {
    const real = exchanges.findLast((exchange) => exchange.authorization?.startsWith('Bearer '));
    const forged = `${real?.authorization?.slice(0, -4)}AAAA`;
    const refused = await fetch(resource, {
      method: 'POST',
      headers: { authorization: forged, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(401);

    const text = logs.text();
    expect(text).toContain('"msg":"request"');
    expect(text).toContain('"msg":"authentication refused"');
    expect(text).toContain('[REDACTED]');
    const secrets = [WRITER.clientSecret, READER.clientSecret, forged.slice('Bearer '.length)];
    for (const exchange of exchanges) {
      if (exchange.authorization)
        secrets.push(exchange.authorization.replace(/^(Bearer|Basic) /, ''));
    }
    expect(secrets.length).toBeGreaterThan(4);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
