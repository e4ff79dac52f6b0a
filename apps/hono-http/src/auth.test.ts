/**
 * Authentication against real parts: oidc-provider on loopback as the authorization server, the official
 * SDK client doing machine auth (client_credentials) against the composed app, and API keys.
 * Edge cases of token verification (expired, other issuer, JWKS caching) are covered in
 * packages/auth; here we prove the app is wired to refuse and admit the right callers.
 */
import { hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { startAuthorizationServer, type TestAuthorizationServer } from '@mcp-runway/auth/testing';
import { FIXTURE_WRITE_SCOPE } from '@mcp-runway/testing/fixture-server';
import {
  Client,
  ClientCredentialsProvider,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

// The tools are the pipeline fixture server's (@mcp-runway/testing/fixture-server): `whoami`
// reports the caller, `fixture_write` needs FIXTURE_WRITE_SCOPE. `mcp:read` is this
// deployment's base scope (OAUTH_SCOPES), which the 401 challenge asks for.
const BASE_SCOPE = 'mcp:read';
const WRITER = {
  clientId: 'writer-bot',
  clientSecret: 'writer-secret-9d3f1c',
  scopes: [BASE_SCOPE, FIXTURE_WRITE_SCOPE],
};
const READER = {
  clientId: 'reader-job',
  clientSecret: 'reader-secret-2b7e4a',
  scopes: [BASE_SCOPE],
};
const secrets: string[] = [WRITER.clientSecret, READER.clientSecret];

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'raw', version: '1' },
  },
});
function post(app: RunningApp, headers: Record<string, string>): Promise<Response> {
  return fetch(app.mcpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: initialize,
  });
}

describe('AUTH_MODE=oauth', () => {
  let as: TestAuthorizationServer;
  let app: RunningApp;
  beforeAll(async () => {
    // The token audience names the app's port, so the authorization server starts once the
    // app's socket is open and before the app itself is built (it discovers the JWKS).
    app = await startApp(
      { AUTH_MODE: 'oauth', RESOURCE_URI: 'auto', OAUTH_SCOPES: BASE_SCOPE },
      {
        prepare: async (url) => {
          as = await startAuthorizationServer({
            resources: { [`${url}/mcp`]: 'jwt', 'http://127.0.0.1:1/other': 'jwt' },
            scopes: [BASE_SCOPE, FIXTURE_WRITE_SCOPE],
            clients: [WRITER, READER],
          });
          return { OAUTH_ISSUER: as.issuer };
        },
      },
    );
  });
  afterAll(async () => {
    await app?.close();
    await as?.close();
  });

  function connect(credentials: typeof WRITER, era: 'legacy' | 'auto'): Promise<Client> {
    const client = new Client(
      { name: credentials.clientId, version: '1.0.0' },
      { versionNegotiation: { mode: era } },
    );
    const authProvider = new ClientCredentialsProvider({
      ...credentials,
      expectedIssuer: as.issuer,
    });
    return client
      .connect(new StreamableHTTPClientTransport(app.mcpUrl, { authProvider }))
      .then(() => client);
  }

  it('challenges an anonymous request with 401 and the metadata URL', async () => {
    const response = await post(app, {});
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(
      `resource_metadata="${app.url}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-31401);
  });

  it('serves Protected Resource Metadata at the path-aware and the root URL', async () => {
    for (const path of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const document = (await (await fetch(`${app.url}${path}`)).json()) as Record<string, unknown>;
      expect(document).toMatchObject({
        resource: `${app.url}/mcp`,
        authorization_servers: [as.issuer],
        bearer_methods_supported: ['header'],
      });
      // The base scope, and every scope a tool needs (from the server's tool policies).
      expect(document.scopes_supported).toEqual(
        expect.arrayContaining([BASE_SCOPE, FIXTURE_WRITE_SCOPE]),
      );
    }
  });

  it.each(['legacy', 'auto'] as const)(
    'lets the SDK client (%s negotiation) follow the 401 to the issuer, get a token and act as its principal',
    async (era) => {
      const client = await connect(WRITER, era);
      const caller = await client.callTool({ name: 'whoami', arguments: {} });
      expect((caller.structuredContent as { id: string }).id).toBe(WRITER.clientId);
      const written = await client.callTool({ name: 'fixture_write', arguments: {} });
      expect(written.isError).not.toBe(true);
      await client.close();
    },
  );

  it('answers a token without the scope a tool needs with 403 insufficient_scope (step-up)', async () => {
    const client = await connect(READER, 'legacy');
    const echoed = await client.callTool({ name: 'echo', arguments: { text: 'read only' } });
    expect(echoed.isError).not.toBe(true);
    const token = await as.token(READER, { resource: app.config.RESOURCE_URI as string });
    const response = await fetch(app.mcpUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 9,
        method: 'tools/call',
        params: { name: 'fixture_write', arguments: {} },
      }),
    });
    expect(response.status).toBe(403);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain(`scope="${FIXTURE_WRITE_SCOPE}"`);
    expect(challenge).toContain('resource_metadata=');
    secrets.push(token);
    await client.close();
  });

  it('refuses a token issued for another resource, and a tampered one', async () => {
    const foreign = await as.token(WRITER, { resource: 'http://127.0.0.1:1/other' });
    const mine = await as.token(WRITER, { resource: app.config.RESOURCE_URI as string });
    const [header, payload, signature] = mine.split('.') as [string, string, string];
    const tampered = `${header}.${payload}.${signature.slice(0, -4)}${signature.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    secrets.push(foreign, mine, tampered);
    for (const token of [foreign, tampered]) {
      const response = await post(app, { authorization: `Bearer ${token}` });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
    expect((await post(app, { authorization: `Bearer ${mine}` })).status).toBe(200);
  });

  it('never writes a token or client secret to the logs', () => {
    const logs = app.logs();
    expect(logs).toContain('"msg":"request"');
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});

describe('AUTH_MODE=apikey', () => {
  const current = mintApiKey();
  const retired = mintApiKey();
  const unknown = mintApiKey();
  let app: RunningApp;
  beforeAll(async () => {
    // Rotation: the service's new key is listed; its old key has been removed from the list.
    app = await startApp({
      AUTH_MODE: 'apikey',
      API_KEYS: `reports-job:${FIXTURE_WRITE_SCOPE}:${hashApiKey(current)}`,
    });
  });
  afterAll(() => app.close());

  it('admits a listed key and makes its principal the caller', async () => {
    const client = new Client({ name: 'reports-job', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(app.mcpUrl, {
        requestInit: { headers: { authorization: `Bearer ${current}` } },
      }),
    );
    const caller = await client.callTool({ name: 'whoami', arguments: {} });
    expect((caller.structuredContent as { id: string }).id).toBe('reports-job');
    const written = await client.callTool({ name: 'fixture_write', arguments: {} });
    expect(written.isError).not.toBe(true);
    await client.close();
  });

  it('accepts the key in X-API-Key too', async () => {
    expect((await post(app, { 'x-api-key': current })).status).toBe(200);
  });

  it.each([
    ['an unknown key', unknown],
    ['a key removed by rotation', retired],
  ])('refuses %s with 401', async (_label, key) => {
    const response = await post(app, { authorization: `Bearer ${key}` });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('keeps every key out of the logs', () => {
    for (const key of [current, retired, unknown]) expect(app.logs()).not.toContain(key);
  });
});

describe('failed authentication', () => {
  const key = mintApiKey();
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ AUTH_MODE: 'apikey', API_KEYS: `ci::${hashApiKey(key)}` });
  });
  afterAll(() => app.close());

  it('costs the address: after 20 wrong keys it gets 429 before any key is compared, a forged X-Forwarded-For included', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 100; attempt++) {
      const forged = { 'x-forwarded-for': `198.51.100.${attempt}` };
      const response = await post(app, { authorization: `Bearer ${mintApiKey()}`, ...forged });
      statuses.push(response.status);
      await response.text();
    }
    expect(statuses.slice(0, 20).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(20).every((status) => status === 429)).toBe(true);
    // The address is refused, whatever it presents now: the right key is not even checked.
    const refused = await post(app, { authorization: `Bearer ${key}` });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(30);
    expect(((await refused.json()) as { error: { code: number } }).error.code).toBe(-31429);
    const scrape = await (await fetch(app.metricsUrl)).text();
    expect(scrape).toContain('mcp_rate_limited_total{limit="auth_failures"} 81');
    expect(scrape).toContain('mcp_auth_failures_total{reason="invalid"} 20');
  });
});

describe('failed authentication with opaque tokens (introspection)', () => {
  const INTROSPECTOR = { clientId: 'mcp-server', clientSecret: 'mcp-server-secret-5e1a' };
  let as: TestAuthorizationServer;
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(
      {
        AUTH_MODE: 'oauth',
        RESOURCE_URI: 'auto',
        AUTH_FAILURE_LIMIT: '10',
        OAUTH_INTROSPECTION_CLIENT_ID: INTROSPECTOR.clientId,
        OAUTH_INTROSPECTION_CLIENT_SECRET: INTROSPECTOR.clientSecret,
      },
      {
        prepare: async (url) => {
          as = await startAuthorizationServer({
            resources: { [`${url}/mcp`]: 'opaque' },
            scopes: [BASE_SCOPE],
            clients: [READER],
            introspector: INTROSPECTOR,
          });
          return { OAUTH_ISSUER: as.issuer, OAUTH_INTROSPECTION_URL: as.introspectionUrl };
        },
      },
    );
  });
  afterAll(async () => {
    await app?.close();
    await as?.close();
  });
  const introspections = () => as.requests.get('/token/introspection') ?? 0;

  it('asks the authorization server about a bad token once, and about no token once the address failed too often', async () => {
    const good = await as.token(READER, { resource: app.config.RESOURCE_URI as string });
    expect((await post(app, { authorization: `Bearer ${good}` })).status).toBe(200);
    const before = introspections();

    // The same bad token again and again: one introspection call, then the remembered answer.
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await post(app, { authorization: 'Bearer the-same-bad-token' })).status).toBe(401);
    }
    expect(introspections() - before).toBe(1);

    // A hundred random tokens: calls stop at the limit (10 failures, 5 of them spent above).
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 100; attempt++) {
      const random = `random-${crypto.randomUUID()}`;
      statuses.push((await post(app, { authorization: `Bearer ${random}` })).status);
    }
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(95);
    expect(introspections() - before).toBe(1 + 5);
  });
});
