/**
 * Login delegated to a plain OAuth 2.0 provider of GitHub's shape (no OpenID Connect): the
 * person is read from its user-info endpoint, and its numeric `id` is the principal.
 */
import {
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/app.js';
import { type Browser, launchBrowser } from './testing/browser.js';
import { startTestGitHub, type TestGitHub } from './testing/github.js';
import {
  type CallbackServer,
  startCallbackServer,
  TestOAuthClient,
} from './testing/oauth-client.js';

const OCTO = { id: 583231, login: 'octocat', password: 'octo-pw-51f0' };
const UPSTREAM = { clientId: 'Iv1.runway', clientSecret: 'github-secret-0a9d' };

let github: TestGitHub;
let app: RunningApp;
let browser: Browser;
let callback: CallbackServer;

beforeAll(async () => {
  [browser, callback] = await Promise.all([launchBrowser(), startCallbackServer()]);
  app = await startApp(
    { OAUTH_SCOPES: 'mcp:read', OAUTH_SCOPE_MAP: 'mcp:read=login:octocat' },
    {
      prepare: async (url) => {
        github = await startTestGitHub({
          users: [OCTO],
          client: { ...UPSTREAM, redirectUri: `${url}/oauth/callback` },
        });
        return {
          UPSTREAM_AUTHORIZATION_URL: github.authorizationUrl,
          UPSTREAM_TOKEN_URL: github.tokenUrl,
          UPSTREAM_USERINFO_URL: github.userUrl,
          UPSTREAM_SUBJECT_CLAIM: 'id',
          UPSTREAM_CLIENT_ID: UPSTREAM.clientId,
          UPSTREAM_CLIENT_SECRET: UPSTREAM.clientSecret,
          UPSTREAM_SCOPES: 'read:user',
        };
      },
    },
  );
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await Promise.all([github?.close(), callback?.close()]);
});

it('logs a person in through a GitHub-shaped OAuth 2.0 provider; the tools see its user id', async () => {
  const host = new TestOAuthClient(callback.url, {
    client_name: 'GitHub Host',
    redirect_uris: [callback.url],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  });
  const transport = new StreamableHTTPClientTransport(app.mcpUrl, { authProvider: host });
  await expect(new Client({ name: 'host', version: '1.0.0' }).connect(transport)).rejects.toThrow(
    UnauthorizedError,
  );

  const page = await browser.context.newPage();
  page.setDefaultTimeout(10_000);
  try {
    await page.goto((host.authorizationUrl as URL).href);
    await page.fill('#username', OCTO.login);
    await page.fill('#password', OCTO.password);
    await Promise.all([page.waitForURL(`${app.url}/oauth/interaction/**`), page.click('#sign-in')]);
    expect(await page.textContent('#scopes')).toContain('mcp:read'); // granted by login:octocat
    await Promise.all([page.waitForURL(`${callback.url}**`), page.click('#allow')]);
  } catch (error) {
    throw new Error(`the browser stopped at ${page.url()}: ${await page.content()}`, {
      cause: error,
    });
  } finally {
    await page.close();
  }
  await transport.finishAuth(callback.received.at(-1) as URLSearchParams);

  const client = new Client({ name: 'host', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(app.mcpUrl, { authProvider: host }));
  const who = await client.callTool({ name: 'whoami', arguments: {} });
  expect(who.structuredContent).toEqual({ id: String(OCTO.id), scopes: ['mcp:read'] });
  await client.close();
});
