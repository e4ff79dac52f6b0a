/**
 * The built-in authorization server (OAUTH_SERVER=builtin) on two instances of apps/hono-http
 * sharing a redis-server of the test's own, behind a real nginx rendered from the template
 * (requests without Mcp-Session-Id go round robin). A host with only the MCP URL registers, a
 * person logs in at the company identity provider (a second oidc-provider) and consents in
 * headless Chromium, and the host calls tools; nginx's access log says which instance served
 * each step, and both took part in the login. Then tool calls are accepted by both, and a
 * revocation made through one is refused by both on the very next call.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
// The authorization server's test kit, through the app that depends on it: this package
// declares no dependency of its own on the authorization server.
import {
  type Browser,
  type CallbackServer,
  launchBrowser,
  startCallbackServer,
  startTestIdentityProvider,
  type TestIdentityProvider,
  TestOAuthClient,
} from '../node_modules/@mcp-runway/hono-http/node_modules/@mcp-runway/authorization-server/dist/testing/index.js';
import { type AppInstance, HONO_ENTRY, startInstance } from './app.js';
import { type Nginx, startNginx } from './nginx.js';
import { freePort } from './processes.js';
import { type RedisServer, startRedis } from './redis.js';

const GRACE = {
  username: 'grace',
  password: 'grace-pw-5a7d',
  sub: 'grace-0007',
  email: 'grace@example.com',
  groups: [],
};
const UPSTREAM = { clientId: 'mcp-runway', clientSecret: 'upstream-secret-9b1f4e' };

let redis: RedisServer;
let idp: TestIdentityProvider;
let instances: AppInstance[] = [];
let nginx: Nginx;
let browser: Browser;
let callback: CallbackServer;
let origin: string;

beforeAll(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  [redis, browser, callback] = await Promise.all([
    startRedis(),
    launchBrowser(),
    startCallbackServer(),
  ]);
  idp = await startTestIdentityProvider({
    people: [GRACE],
    client: { ...UPSTREAM, redirectUri: `${origin}/oauth/callback` },
  });
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const env = {
    REDIS_URL: redis.url,
    AUTH_MODE: 'oauth',
    OAUTH_SERVER: 'builtin',
    RESOURCE_URI: `${origin}/mcp`,
    ALLOWED_ORIGINS: origin,
    TRUST_PROXY: '1',
    OAUTH_SCOPES: 'mcp:read',
    OAUTH_SIGNING_KEYS: JSON.stringify({
      keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'nginx-1', alg: 'ES256' }],
    }),
    OAUTH_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    OAUTH_REVOCATION_CACHE_MS: '0',
    UPSTREAM_ISSUER: idp.issuer,
    UPSTREAM_CLIENT_ID: UPSTREAM.clientId,
    UPSTREAM_CLIENT_SECRET: UPSTREAM.clientSecret,
    UPSTREAM_SCOPES: 'openid email',
  };
  instances = await Promise.all(['A', 'B'].map((name) => startInstance(name, env, HONO_ENTRY)));
  nginx = await startNginx(
    instances.map((instance) => instance.address),
    port,
  );
}, 60_000);

beforeEach(({ onTestFailed }) =>
  onTestFailed(() => {
    console.log(
      `nginx access log:\n${nginx
        .accessLog()
        .map((line) => JSON.stringify(line))
        .join('\n')}`,
    );
    for (const instance of instances)
      console.log(`${instance.name} (${instance.address}):\n${instance.child.output()}`);
  }),
);

afterAll(async () => {
  await browser?.close();
  await Promise.all(instances.map((instance) => instance.child.stop('SIGKILL')));
  await nginx?.stop();
  await Promise.all([idp?.close(), callback?.close(), redis?.child.stop('SIGKILL')]);
});

/** The instances nginx sent requests for `path` (prefix) to. */
function servedBy(prefix: string, from = 0): Set<string> {
  return new Set(
    nginx
      .accessLog()
      .slice(from)
      .filter((line) => line.uri.startsWith(prefix))
      .map((line) => line.upstream),
  );
}

it('logs a person in through both instances, and revocation reaches both', async () => {
  const mcpUrl = new URL('/mcp', origin);
  const host = new TestOAuthClient(callback.url, {
    client_name: 'Host behind nginx',
    redirect_uris: [callback.url],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  });
  const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: host });
  await expect(new Client({ name: 'host', version: '1.0.0' }).connect(transport)).rejects.toThrow(
    UnauthorizedError,
  );

  const page = await browser.context.newPage();
  page.setDefaultTimeout(10_000);
  try {
    await page.goto((host.authorizationUrl as URL).href);
    await page.fill('#username', GRACE.username);
    await page.fill('#password', GRACE.password);
    await Promise.all([page.waitForURL(`${origin}/oauth/interaction/**`), page.click('#sign-in')]);
    await Promise.all([page.waitForURL(`${callback.url}**`), page.click('#allow')]);
  } catch (error) {
    throw new Error(`the browser stopped at ${page.url()}: ${await page.content()}`, {
      cause: error,
    });
  } finally {
    await page.close();
  }
  await transport.finishAuth(callback.received.at(-1) as URLSearchParams);

  // The login's requests (registration, authorization, the upstream callback, consent, token)
  // went round robin: both instances served part of it, from state they share in Redis.
  const addresses = new Set(instances.map((instance) => instance.address));
  expect(servedBy('/oauth/')).toEqual(addresses);
  expect(servedBy('/oauth/callback').size).toBe(1);

  const client = new Client({ name: 'host', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: host }));
  const before = nginx.accessLog().length;
  for (let i = 0; i < 4; i++) {
    const who = await client.callTool({ name: 'whoami', arguments: {} });
    expect(who.structuredContent).toEqual({ id: GRACE.sub, scopes: ['mcp:read'] });
  }
  await client.close();

  // Revoked through nginx (on either instance), refused on both at the next call.
  const tokens = host.tokens() as { access_token: string; refresh_token: string };
  const revoked = await fetch(`${origin}/oauth/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      token: tokens.refresh_token,
      client_id: (host.clientInformation() as { client_id: string }).client_id,
    }),
  });
  expect(revoked.status).toBe(200);
  const afterRevocation = nginx.accessLog().length;
  for (let i = 0; i < 6; i++) {
    const refused = await fetch(mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
  }
  // nginx writes a line as a request ends, which can trail the answer by a moment: wait for
  // both instances' lines (bounded) before comparing.
  for (let wait = 0; wait < 40 && servedBy('/mcp', afterRevocation).size < 2; wait++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(servedBy('/mcp', before)).toEqual(addresses);
  expect(servedBy('/mcp', afterRevocation)).toEqual(addresses);
});
