/**
 * The production-readiness kit (@mcp-runway/testing) against the real composition, as a user
 * would point it at their own server: open on loopback, behind OAuth with a browser origin
 * allowed, and with API keys. Every check must pass, or be n/a for the reason its title gives.
 * The apps start at the top of the file: the kit runs while vitest collects the tests. They
 * mount the pipeline fixture server (startApp's default), so no check depends on a user's tools.
 */
import { hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { startAuthorizationServer, type TestAuthorizationServer } from '@mcp-runway/auth/testing';
import { FIXTURE_WRITE_SCOPE } from '@mcp-runway/testing/fixture-server';
import { describeReadiness } from '@mcp-runway/testing/vitest';
import { afterAll } from 'vitest';
import { startApp } from './test/start.js';

/** `slow` streams progress on the 2026-07-28 lane (which answers JSON otherwise). */
const streamingTool = { name: 'slow', arguments: { steps: 2, stepMs: 10 } };

// 1. Open, on loopback; the loopback origins (the Inspector's) are allowed.
const open = await startApp();
afterAll(() => open.close());
describeReadiness('hono-http, no auth, default allowlists', {
  url: open.mcpUrl,
  origin: 'http://localhost:6274',
  streamingTool,
});

// 2. An OAuth 2.1 resource server, a browser app allowed by ALLOWED_ORIGINS.
const BROWSER_APP = 'https://app.example.com';
const CLIENT = {
  clientId: 'readiness',
  clientSecret: 'readiness-secret-5c1e',
  scopes: ['mcp:read'],
};
let as: TestAuthorizationServer | undefined;
const oauth = await startApp(
  {
    AUTH_MODE: 'oauth',
    RESOURCE_URI: 'auto',
    OAUTH_SCOPES: 'mcp:read',
    ALLOWED_ORIGINS: BROWSER_APP,
  },
  {
    prepare: async (url) => {
      as = await startAuthorizationServer({
        resources: { [`${url}/mcp`]: 'jwt' },
        scopes: ['mcp:read', FIXTURE_WRITE_SCOPE],
        clients: [CLIENT],
      });
      return { OAUTH_ISSUER: as.issuer };
    },
  },
);
afterAll(async () => {
  await oauth.close();
  await as?.close();
});
const token = await issueToken(oauth.mcpUrl.href);
describeReadiness('hono-http, AUTH_MODE=oauth, ALLOWED_ORIGINS set', {
  url: oauth.mcpUrl,
  origin: BROWSER_APP,
  headers: { authorization: `Bearer ${token}` },
  requireOAuth: true,
  // The test authorization server has configured clients only (client credentials).
  preregisteredClients: true,
  streamingTool,
});

// 2b. The built-in authorization server (OAUTH_SERVER=builtin): metadata, PKCE S256, CIMD and
//     DCR, registration refusing a plain-HTTP redirect. Its tokens need a person's login in a
//     browser (oauth-builtin.test.ts), so only the check that needs none runs here.
const builtin = await startApp({
  AUTH_MODE: 'oauth',
  OAUTH_SERVER: 'builtin',
  RESOURCE_URI: 'auto',
  OAUTH_SCOPES: 'mcp:read',
  // Never contacted: no one logs in here.
  UPSTREAM_ISSUER: 'https://idp.invalid',
  UPSTREAM_CLIENT_ID: 'mcp-runway',
});
afterAll(() => builtin.close());
describeReadiness('hono-http, OAUTH_SERVER=builtin', {
  url: builtin.mcpUrl,
  only: ['authorization-server'],
});

// 3. API keys: no OAuth discovery, so the auth check reports n/a (and says why).
const key = mintApiKey();
const apikey = await startApp({
  AUTH_MODE: 'apikey',
  API_KEYS: `ci-bot:mcp:read:${hashApiKey(key)}`,
});
afterAll(() => apikey.close());
describeReadiness('hono-http, AUTH_MODE=apikey', {
  url: apikey.mcpUrl,
  origin: 'http://localhost:6274',
  headers: { authorization: `Bearer ${key}` },
});

/** A client_credentials token for the app (its audience); the fixture started in `prepare`. */
function issueToken(resource: string): Promise<string> {
  if (!as) throw new Error('the authorization server did not start');
  return as.token(CLIENT, { resource });
}
