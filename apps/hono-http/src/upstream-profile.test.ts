/**
 * The example server's `upstream_profile` behind the built-in authorization server: a person
 * logs in at the company identity provider (a second oidc-provider) and consents in headless
 * Chromium, then the tool reads their profile from the provider's user-info endpoint with the
 * upstream token the server keeps for them, encrypted. The host never holds that token, the
 * tool's answer does not carry it, and no log line does. This file tests the ticket example's
 * tool (the rest of this app's tests mount the pipeline fixture server).
 */
import {
  type Browser,
  type CallbackServer,
  launchBrowser,
  startCallbackServer,
  startTestIdentityProvider,
  type TestIdentityProvider,
  TestOAuthClient,
} from '@mcp-runway/authorization-server/testing';
import { serverModule } from '@mcp-runway/example-server';
import {
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

const HEIDI = {
  username: 'heidi',
  password: 'heidi-pw-4c2a',
  sub: 'heidi-0008',
  email: 'heidi@example.com',
  groups: ['support'],
};
const UPSTREAM = { clientId: 'mcp-runway', clientSecret: 'upstream-secret-61d0b3' };

let idp: TestIdentityProvider;
let app: RunningApp;
let browser: Browser;
let callback: CallbackServer;

beforeAll(async () => {
  [browser, callback] = await Promise.all([launchBrowser(), startCallbackServer()]);
  app = await startApp(
    { AUTH_MODE: 'oauth', OAUTH_SERVER: 'builtin', RESOURCE_URI: 'auto', OAUTH_SCOPES: 'mcp:read' },
    {
      server: serverModule,
      prepare: async (url) => {
        idp = await startTestIdentityProvider({
          people: [HEIDI],
          client: { ...UPSTREAM, redirectUri: `${url}/oauth/callback` },
        });
        return {
          UPSTREAM_ISSUER: idp.issuer,
          UPSTREAM_CLIENT_ID: UPSTREAM.clientId,
          UPSTREAM_CLIENT_SECRET: UPSTREAM.clientSecret,
          UPSTREAM_SCOPES: 'openid email groups',
        };
      },
    },
  );
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await Promise.all([idp?.close(), callback?.close()]);
});

/** The person in the browser: company login, then Allow on the consent page. */
async function approve(url: URL): Promise<URLSearchParams> {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(10_000);
  try {
    await page.goto(url.href);
    await page.fill('#username', HEIDI.username);
    await page.fill('#password', HEIDI.password);
    await Promise.all([page.waitForURL(`${app.url}/oauth/interaction/**`), page.click('#sign-in')]);
    await Promise.all([page.waitForURL(`${callback.url}**`), page.click('#allow')]);
    return callback.received.at(-1) as URLSearchParams;
  } catch (error) {
    throw new Error(`the browser stopped at ${page.url()}: ${await page.content()}`, {
      cause: error,
    });
  } finally {
    await page.close();
  }
}

it("calls the identity provider with the person's upstream token, which the host never sees", async () => {
  const host = new TestOAuthClient(callback.url, {
    client_name: 'Profile Host',
    redirect_uris: [callback.url],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  });
  const transport = new StreamableHTTPClientTransport(app.mcpUrl, { authProvider: host });
  await expect(new Client({ name: 'host', version: '1.0.0' }).connect(transport)).rejects.toThrow(
    UnauthorizedError,
  );
  await transport.finishAuth(await approve(host.authorizationUrl as URL));

  const client = new Client({ name: 'host', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(app.mcpUrl, { authProvider: host }));
  const profile = await client.callTool({ name: 'upstream_profile', arguments: {} });
  expect(profile.isError).toBeFalsy();
  expect(profile.structuredContent).toEqual({
    profile: { sub: HEIDI.sub, email: HEIDI.email, groups: HEIDI.groups },
  });
  await client.close();

  // What the host holds is this server's token only: its issuer, this resource, the person.
  const tokens = host.tokens() as { access_token: string };
  const claims = JSON.parse(
    Buffer.from(tokens.access_token.split('.')[1] as string, 'base64url').toString(),
  );
  expect(claims).toMatchObject({ iss: app.url, aud: `${app.url}/mcp`, sub: HEIDI.sub });
  expect(Object.keys(tokens)).not.toContain('id_token');
  // The upstream token was issued and used, and is in none of what left the server or its logs.
  expect(idp.accessTokens.length).toBeGreaterThan(0);
  for (const upstreamToken of idp.accessTokens) {
    expect(JSON.stringify(tokens)).not.toContain(upstreamToken);
    expect(JSON.stringify(profile)).not.toContain(upstreamToken);
    expect(app.logs()).not.toContain(upstreamToken);
  }
});
