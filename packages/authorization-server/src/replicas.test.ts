/**
 * Two replicas behind one origin, sharing Redis (REDIS_URL) and the same keys: a host
 * registers on one, the person's login starts on one replica and the identity provider's
 * callback lands on the other, consent and tokens on either, and tool calls succeed on both.
 * Needs a redis-server on 127.0.0.1:6379.
 */
import { randomBytes } from 'node:crypto';
import {
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { Redis } from 'ioredis';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/app.js';
import { type Balancer, startBalancer } from './test/proxy.js';
import { type Browser, launchBrowser } from './testing/browser.js';
import {
  startTestIdentityProvider,
  type TestIdentityProvider,
  type TestPerson,
} from './testing/idp.js';
import {
  type CallbackServer,
  startCallbackServer,
  TestOAuthClient,
} from './testing/oauth-client.js';

const FRANK: TestPerson = {
  username: 'frank',
  password: 'frank-pw-6d2e',
  sub: 'frank-0006',
  email: 'frank@example.com',
  groups: [],
};
const UPSTREAM = { clientId: 'mcp-runway', clientSecret: 'upstream-secret-3e8a7c' };

let idp: TestIdentityProvider;
let replicas: RunningApp[] = [];
let balancer: Balancer;
let browser: Browser;
let callback: CallbackServer;
const REDIS_URL = 'redis://127.0.0.1:6379';
const PREFIX = `runway-as-test-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  [browser, callback] = await Promise.all([launchBrowser(), startCallbackServer()]);
  // The login leaves from replica 0 and comes back to replica 1; the rest alternates.
  balancer = await startBalancer((path, turn) =>
    path.startsWith('/oauth/interaction/') || path === '/oauth/authorize'
      ? 0
      : path === '/oauth/callback'
        ? 1
        : turn,
  );
  idp = await startTestIdentityProvider({
    people: [FRANK],
    client: { ...UPSTREAM, redirectUri: `${balancer.url}/oauth/callback` },
  });
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const env = {
    REDIS_URL,
    REDIS_KEY_PREFIX: PREFIX,
    OAUTH_SIGNING_KEYS: JSON.stringify({
      keys: [{ ...(await exportJWK(privateKey)), kid: 'shared-1', alg: 'ES256' }],
    }),
    OAUTH_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    OAUTH_SCOPES: 'mcp:read',
    UPSTREAM_ISSUER: idp.issuer,
    UPSTREAM_CLIENT_ID: UPSTREAM.clientId,
    UPSTREAM_CLIENT_SECRET: UPSTREAM.clientSecret,
    UPSTREAM_SCOPES: 'openid email',
    // Every call asks Redis whether its grant was revoked: deterministic across replicas
    // (with the default window, the other replica would notice within a second).
    OAUTH_REVOCATION_CACHE_MS: '0',
  };
  replicas = await Promise.all([0, 1].map(() => startApp(env, { publicUrl: balancer.url })));
  balancer.targets.push(...replicas.map((replica) => replica.url));
});
afterAll(async () => {
  await browser?.close();
  await Promise.all(replicas.map((replica) => replica.close()));
  await Promise.all([idp?.close(), callback?.close(), balancer?.close()]);
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

it('completes a login that starts on one replica and comes back to the other', async () => {
  const mcpUrl = new URL('/mcp', balancer.url);
  const host = new TestOAuthClient(callback.url, {
    client_name: 'Replicated Host',
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
    await page.fill('#username', FRANK.username);
    await page.fill('#password', FRANK.password);
    await Promise.all([
      page.waitForURL(`${balancer.url}/oauth/interaction/**`),
      page.click('#sign-in'),
    ]);
    await Promise.all([page.waitForURL(`${callback.url}**`), page.click('#allow')]);
  } catch (error) {
    throw new Error(`the browser stopped at ${page.url()}: ${await page.content()}`, {
      cause: error,
    });
  } finally {
    await page.close();
  }
  await transport.finishAuth(callback.received.at(-1) as URLSearchParams);

  const servedBy = (path: string) =>
    balancer.served.filter(([, , p]) => p === path).map(([index]) => index);
  expect(servedBy('/oauth/authorize')).toContain(0);
  expect(servedBy('/oauth/callback')).toEqual([1]);
  expect(new Set(servedBy('/oauth/register')).size).toBe(1); // registered on one replica only

  // Tool calls alternate between the replicas; both accept the token.
  const client = new Client({ name: 'host', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: host }));
  const before = balancer.served.length;
  for (let i = 0; i < 3; i++) {
    const who = await client.callTool({ name: 'whoami', arguments: {} });
    expect(who.structuredContent).toEqual({ id: FRANK.sub, scopes: ['mcp:read'] });
  }
  expect(new Set(balancer.served.slice(before).map(([index]) => index))).toEqual(new Set([0, 1]));
  await client.close();

  // Revoked on one replica, refused at once by both.
  const tokens = host.tokens() as { access_token: string; refresh_token: string };
  const revoked = await fetch(`${balancer.url}/oauth/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      token: tokens.refresh_token,
      client_id: (host.clientInformation() as { client_id: string }).client_id,
    }),
  });
  expect(revoked.status).toBe(200);
  const after = balancer.served.length;
  for (let i = 0; i < 2; i++) {
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
  expect(new Set(balancer.served.slice(after).map(([index]) => index))).toEqual(new Set([0, 1]));
});
