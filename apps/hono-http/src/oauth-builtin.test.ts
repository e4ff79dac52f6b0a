/**
 * OAUTH_SERVER=builtin in the composed app: the MCP server is its own authorization server,
 * delegating login to a company identity provider (a second oidc-provider here). A host with
 * only the MCP URL registers, a person logs in and consents in a real headless browser, and
 * the host calls tools as that person; a tool needing more asks for it (403 step-up) and the
 * person consents to the new scope. The flows' edge cases and refusals are tested in
 * packages/authorization-server.
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
import { FIXTURE_WRITE_SCOPE } from '@mcp-runway/testing/fixture-server';
import {
  Client,
  type ClientOptions,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

const ERIN = {
  username: 'erin',
  password: 'erin-pw-3b9c',
  sub: 'erin-0005',
  email: 'erin@example.com',
  groups: ['editors'],
};
const UPSTREAM = { clientId: 'mcp-runway', clientSecret: 'upstream-secret-77e1d0' };

let idp: TestIdentityProvider;
let app: RunningApp;
let browser: Browser;
let callback: CallbackServer;

beforeAll(async () => {
  [browser, callback] = await Promise.all([launchBrowser(), startCallbackServer()]);
  app = await startApp(
    {
      AUTH_MODE: 'oauth',
      OAUTH_SERVER: 'builtin',
      RESOURCE_URI: 'auto',
      OAUTH_SCOPES: 'mcp:read',
      OAUTH_SCOPE_MAP: `mcp:read=*; ${FIXTURE_WRITE_SCOPE}=groups:editors`,
    },
    {
      prepare: async (url) => {
        idp = await startTestIdentityProvider({
          people: [ERIN],
          client: { ...UPSTREAM, redirectUri: `${url}/oauth/callback` },
        });
        return {
          UPSTREAM_ISSUER: idp.issuer,
          UPSTREAM_CLIENT_ID: UPSTREAM.clientId,
          UPSTREAM_CLIENT_SECRET: UPSTREAM.clientSecret,
          UPSTREAM_SCOPES: 'openid groups',
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

/** The person in the browser: company login when asked, then Allow on the consent page. */
async function approve(url: URL, expectScope: string): Promise<URLSearchParams> {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(10_000);
  try {
    await page.goto(url.href);
    if (await page.locator('#username').count()) {
      await page.fill('#username', ERIN.username);
      await page.fill('#password', ERIN.password);
      await Promise.all([
        page.waitForURL(`${app.url}/oauth/interaction/**`),
        page.click('#sign-in'),
      ]);
    }
    expect(await page.textContent('#scopes')).toContain(expectScope);
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

describe('OAUTH_SERVER=builtin', () => {
  it('names itself in the resource metadata and publishes its authorization server metadata', async () => {
    const prm = (await (
      await fetch(`${app.url}/.well-known/oauth-protected-resource/mcp`)
    ).json()) as Record<string, unknown>;
    expect(prm.authorization_servers).toEqual([app.url]);
    const as = (await (
      await fetch(`${app.url}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(as).toMatchObject({
      issuer: app.url,
      authorization_endpoint: `${app.url}/oauth/authorize`,
      token_endpoint: `${app.url}/oauth/token`,
      registration_endpoint: `${app.url}/oauth/register`,
      revocation_endpoint: `${app.url}/oauth/revoke`,
      code_challenge_methods_supported: ['S256'],
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
  });

  it.each([
    { era: '2025-11-25', options: {} },
    { era: '2026-07-28', options: { versionNegotiation: { mode: { pin: '2026-07-28' } } } },
  ] as { era: string; options: ClientOptions }[])(
    'lets a $era host in with only the MCP URL, then steps up to a scope a tool needs',
    async ({ options }) => {
      await browser.context.clearCookies();
      const host = new TestOAuthClient(callback.url, {
        client_name: 'Builtin Host',
        redirect_uris: [callback.url],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      });
      const first = new Client({ name: 'host', version: '1.0.0' }, options);
      const transport = new StreamableHTTPClientTransport(app.mcpUrl, { authProvider: host });
      await expect(first.connect(transport)).rejects.toThrow(UnauthorizedError);
      await transport.finishAuth(await approve(host.authorizationUrl as URL, 'mcp:read'));

      const client = new Client({ name: 'host', version: '1.0.0' }, options);
      const connected = new StreamableHTTPClientTransport(app.mcpUrl, { authProvider: host });
      await client.connect(connected);
      const who = await client.callTool({ name: 'whoami', arguments: {} });
      expect(who.structuredContent).toEqual({ id: ERIN.sub, scopes: ['mcp:read'] });

      // fixture_write needs FIXTURE_WRITE_SCOPE: 403, the SDK asks for it, the person consents.
      host.authorizationUrl = undefined;
      await expect(client.callTool({ name: 'fixture_write', arguments: {} })).rejects.toThrow(
        UnauthorizedError,
      );
      const stepUp = host.authorizationUrl as URL | undefined; // set again by the SDK
      expect(stepUp?.searchParams.get('scope')).toContain(FIXTURE_WRITE_SCOPE);
      await connected.finishAuth(await approve(stepUp as URL, FIXTURE_WRITE_SCOPE));
      const written = await client.callTool({ name: 'fixture_write', arguments: {} });
      expect(written.isError).toBeFalsy();
      await client.close();
    },
  );
});
