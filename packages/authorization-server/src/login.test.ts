/**
 * The whole authorization-code flow with real parts: the MCP app with the built-in
 * authorization server, a second oidc-provider as the company identity provider, Debian's
 * headless Chromium as the person, and the official SDK client's OAuth support as the host.
 * The host knows only the MCP URL: 401 -> resource metadata -> authorization server metadata
 * -> registration (DCR, or a client ID metadata document) -> company login -> consent ->
 * code -> token -> tool calls, in both protocol eras.
 */
import {
  Client,
  type ClientOptions,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/app.js';
import { type DocumentHost, startDocumentHost } from './test/cimd-host.js';
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

const ALICE: TestPerson = {
  username: 'alice',
  password: 'alice-pw-7c1e',
  sub: 'alice-0001',
  email: 'alice@example.com',
  groups: ['editors'],
};
const BOB: TestPerson = {
  username: 'bob',
  password: 'bob-pw-44a2',
  sub: 'bob-0002',
  email: 'bob@example.com',
  groups: [],
};
const UPSTREAM = { clientId: 'mcp-runway', clientSecret: 'upstream-secret-5f0b9e' };

const ERAS: readonly { era: string; options: ClientOptions }[] = [
  { era: '2025-11-25', options: {} },
  { era: '2026-07-28', options: { versionNegotiation: { mode: { pin: '2026-07-28' } } } },
];

let idp: TestIdentityProvider;
let app: RunningApp;
let browser: Browser;
let callback: CallbackServer;
let documents: DocumentHost;

beforeAll(async () => {
  [browser, callback, documents] = await Promise.all([
    launchBrowser(),
    startCallbackServer(),
    startDocumentHost(),
  ]);
  app = await startApp(
    { OAUTH_SCOPES: 'mcp:read', OAUTH_SCOPE_MAP: 'mcp:read=*; fixture:write=groups:editors' },
    {
      prepare: async (url) => {
        idp = await startTestIdentityProvider({
          people: [ALICE, BOB],
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
  await Promise.all([idp?.close(), callback?.close(), documents?.close()]);
});

const metadata = (name: string) => ({
  client_name: name,
  redirect_uris: [callback.url],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
});

/** Signs in at the company provider if it asks, then allows on our consent page. */
async function signInAndAllow(page: Page, person: TestPerson, expectedClient: string) {
  if (await page.locator('#username').count()) {
    await page.fill('#username', person.username);
    await page.fill('#password', person.password);
    await Promise.all([page.waitForURL(`${app.url}/oauth/interaction/**`), page.click('#sign-in')]);
  }
  expect(await page.textContent('#client-name')).toBe(expectedClient);
  expect(await page.textContent('#redirect-host')).toBe(new URL(callback.url).host);
  const csp = (await page.context().request.get(page.url())).headers()['content-security-policy'];
  expect(csp).toContain("default-src 'none'");
  await Promise.all([page.waitForURL(`${callback.url}**`), page.click('#allow')]);
}

/** The host's whole journey from the MCP URL alone, until a connected client. */
async function connectAs(
  host: TestOAuthClient,
  person: TestPerson,
  options: ClientOptions,
  clientName: string,
): Promise<Client> {
  const first = new Client({ name: 'host', version: '1.0.0' }, options);
  const transport = new StreamableHTTPClientTransport(app.mcpUrl, { authProvider: host });
  await expect(first.connect(transport)).rejects.toThrow(UnauthorizedError);
  expect(host.authorizationUrl?.href.startsWith(`${app.url}/oauth/authorize?`)).toBe(true);

  await browser.context.clearCookies(); // a new person at a new browser
  const page = await browser.context.newPage();
  page.setDefaultTimeout(10_000);
  try {
    await page.goto(host.authorizationUrl?.href as string);
    await signInAndAllow(page, person, clientName);
  } catch (error) {
    throw new Error(`the browser stopped at ${page.url()}: ${await page.content()}`, {
      cause: error,
    });
  } finally {
    await page.close();
  }
  const answer = callback.received.at(-1) as URLSearchParams;
  expect(answer.get('iss')).toBe(app.url); // RFC 9207
  await transport.finishAuth(answer);

  const client = new Client({ name: 'host', version: '1.0.0' }, options);
  await client.connect(new StreamableHTTPClientTransport(app.mcpUrl, { authProvider: host }));
  return client;
}

describe.each(ERAS)('a $era host with only the MCP URL', ({ options }) => {
  it('registers by DCR, logs the person in upstream, and calls tools as them', async () => {
    const host = new TestOAuthClient(callback.url, metadata('DCR Host'));
    const client = await connectAs(host, ALICE, options, 'DCR Host');
    expect(host.registered?.client_id).toBeTruthy();
    expect(host.registered?.client_id.startsWith('https://')).toBe(false);
    const who = await client.callTool({ name: 'whoami', arguments: {} });
    expect(who.structuredContent).toEqual({ id: ALICE.sub, scopes: ['mcp:read'] });
    const echo = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    expect(echo.isError).toBeFalsy();
    await client.close();
  });

  it('registers by a client ID metadata document, and the person is the one who logged in', async () => {
    const path = `/host-${Math.random().toString(36).slice(2)}.json`;
    const clientId = `${documents.origin}${path}`;
    documents.documents.set(path, { client_id: clientId, ...metadata('CIMD Host') });
    const host = new TestOAuthClient(callback.url, metadata('CIMD Host'), clientId);
    const client = await connectAs(host, BOB, options, 'CIMD Host');
    expect(host.registered?.client_id).toBe(clientId);
    expect(documents.hits.get(path)).toBeGreaterThanOrEqual(1);
    const who = await client.callTool({ name: 'whoami', arguments: {} });
    expect(who.structuredContent).toEqual({ id: BOB.sub, scopes: ['mcp:read'] });
    await client.close();
  });
});
