/**
 * The authorization server's answers, step by step over HTTP (and the browser where a person
 * must act): the refusals the OAuth and MCP specifications call for, refresh-token rotation,
 * revocation, remembered consent and the scope map.
 */
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/app.js';
import { type DocumentHost, startDocumentHost } from './test/cimd-host.js';
import { type Browser, launchBrowser } from './testing/browser.js';
import {
  startTestIdentityProvider,
  type TestIdentityProvider,
  type TestPerson,
} from './testing/idp.js';
import { type CallbackServer, startCallbackServer } from './testing/oauth-client.js';

const CAROL: TestPerson = {
  username: 'carol',
  password: 'carol-pw-19ad',
  sub: 'carol-0003',
  email: 'carol@example.com',
  groups: [],
};
const DAN: TestPerson = {
  username: 'dan',
  password: 'dan-pw-8e2f',
  sub: 'dan-0004',
  email: 'dan@example.com',
  groups: ['editors'],
};
const UPSTREAM = { clientId: 'mcp-runway', clientSecret: 'upstream-secret-0c4d1a' };

let idp: TestIdentityProvider;
let app: RunningApp;
let browser: Browser;
let callback: CallbackServer;
let documents: DocumentHost;
let skewMs = 0; // the consent page's clock

beforeAll(async () => {
  [browser, callback, documents] = await Promise.all([
    launchBrowser(),
    startCallbackServer(),
    startDocumentHost(),
  ]);
  app = await startApp(
    { OAUTH_SCOPES: 'mcp:read', OAUTH_SCOPE_MAP: 'mcp:read=*; fixture:write=groups:editors' },
    {
      now: () => Date.now() + skewMs,
      prepare: async (url) => {
        idp = await startTestIdentityProvider({
          people: [CAROL, DAN],
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

async function register(name = 'Test Host'): Promise<string> {
  const response = await fetch(`${app.url}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: name,
      redirect_uris: [callback.url],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { client_id: string }).client_id;
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(clientId: string, params: Record<string, string | undefined>): string {
  const url = new URL(`${app.url}/oauth/authorize`);
  const all: Record<string, string | undefined> = {
    client_id: clientId,
    response_type: 'code',
    redirect_uri: callback.url,
    scope: 'mcp:read',
    state: randomBytes(8).toString('hex'),
    resource: `${app.url}/mcp`,
    ...params,
  };
  for (const [key, value] of Object.entries(all))
    if (value !== undefined) url.searchParams.set(key, value);
  return url.href;
}

async function token(
  params: Record<string, string>,
): Promise<{ status: number; body: Record<string, string> }> {
  const response = await fetch(`${app.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/** One MCP request with a bearer token: its status and challenge. */
async function mcpCall(accessToken: string) {
  const response = await fetch(`${app.url}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'flows-test', version: '1.0.0' },
      },
    }),
  });
  await response.arrayBuffer();
  return { status: response.status, challenge: response.headers.get('www-authenticate') };
}

/** A person in the browser, from the authorization URL to the code (consent if asked). */
async function authorizeInBrowser(
  url: string,
  person: TestPerson = CAROL,
  { fresh = true, consent = true } = {},
) {
  if (fresh) await browser.context.clearCookies();
  const page = await browser.context.newPage();
  page.setDefaultTimeout(10_000);
  try {
    await page.goto(url);
    if (await page.locator('#username').count()) {
      await page.fill('#username', person.username);
      await page.fill('#password', person.password);
      await Promise.all([
        page.waitForURL((u) => !u.href.startsWith(idp.issuer)),
        page.click('#sign-in'),
      ]);
    }
    if (consent) await Promise.all([page.waitForURL(`${callback.url}**`), page.click('#allow')]);
    else await page.waitForURL(`${callback.url}**`);
    return callback.received.at(-1) as URLSearchParams;
  } finally {
    await page.close();
  }
}

async function codeFor(clientId: string, person: TestPerson = CAROL, consent = true) {
  const { verifier, challenge } = pkce();
  const answer = await authorizeInBrowser(
    authorizeUrl(clientId, { code_challenge: challenge, code_challenge_method: 'S256' }),
    person,
    { consent },
  );
  return { code: answer.get('code') as string, verifier, answer };
}

describe('registration', () => {
  it('refuses an http:// redirect URI off loopback (invalid_redirect_uri)', async () => {
    const attempt = (redirect: string) =>
      fetch(`${app.url}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: [redirect], token_endpoint_auth_method: 'none' }),
      });
    const refused = await attempt('http://host.example/callback');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_redirect_uri');
    expect((await attempt('https://host.example/callback')).status).toBe(201);
    expect((await attempt('http://localhost:7777/callback')).status).toBe(201);
  });
});

describe('authorization requests', () => {
  it('refuses a redirect URI the client did not register, without redirecting', async () => {
    const clientId = await register();
    const response = await fetch(
      authorizeUrl(clientId, {
        redirect_uri: 'http://127.0.0.1:9/elsewhere',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      }),
      { redirect: 'manual' },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('redirect_uri');
  });

  it.each([
    ['no PKCE challenge', {}],
    ['a plain PKCE challenge', { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }],
  ])('refuses %s with invalid_request, and names itself (RFC 9207)', async (_name, params) => {
    const clientId = await register();
    const response = await fetch(authorizeUrl(clientId, params), { redirect: 'manual' });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location') as string);
    expect(location.origin + location.pathname).toBe(callback.url);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('iss')).toBe(app.url);
  });

  it('refuses a resource other than this MCP server (invalid_target)', async () => {
    const clientId = await register();
    const { challenge } = pkce();
    const response = await fetch(
      authorizeUrl(clientId, {
        code_challenge: challenge,
        code_challenge_method: 'S256',
        resource: 'https://other.example/mcp',
      }),
      { redirect: 'manual' },
    );
    const location = new URL(response.headers.get('location') as string);
    expect(location.searchParams.get('error')).toBe('invalid_target');
  });

  it('refuses a client metadata document whose client_id is not its own URL', async () => {
    const path = '/impostor.json';
    documents.documents.set(path, {
      client_id: 'https://trusted.example/client.json',
      client_name: 'Impostor',
      redirect_uris: [callback.url],
      token_endpoint_auth_method: 'none',
    });
    const response = await fetch(
      authorizeUrl(`${documents.origin}${path}`, {
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      }),
      { redirect: 'manual' },
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('client_id does not match');
  });

  it.each([
    'https://10.1.2.3/client.json',
    'https://127.0.0.2:8443/client.json',
    'https://[fd00::1]/client.json',
  ])('refuses to fetch a client metadata document from a private address: %s', async (clientId) => {
    const response = await fetch(
      authorizeUrl(clientId, { code_challenge: pkce().challenge, code_challenge_method: 'S256' }),
      { redirect: 'manual' },
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('invalid_client');
    expect(app.logs()).toContain('non-public address');
  });
});

describe('codes and tokens', () => {
  it('issues a short-lived JWT for the MCP resource, and refuses the code a second time', async () => {
    const clientId = await register();
    const { code, verifier, answer } = await codeFor(clientId);
    expect(answer.get('iss')).toBe(app.url);
    const params = {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: clientId,
      redirect_uri: callback.url,
    };
    const first = await token(params);
    expect(first.status).toBe(200);
    const claims = decodeJwt(first.body.access_token as string);
    expect(claims).toMatchObject({
      iss: app.url,
      aud: `${app.url}/mcp`,
      sub: CAROL.sub,
      scope: 'mcp:read',
      client_id: clientId,
    });
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(600);

    const replay = await token(params);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    // A replayed code revokes what it was exchanged for.
    const refresh = await token({
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token as string,
      client_id: clientId,
    });
    expect(refresh.body.error).toBe('invalid_grant');
  });

  it('grants the base scopes (OAUTH_SCOPES) to a request that names none', async () => {
    const clientId = await register('Scopeless Host');
    const { verifier, challenge } = pkce();
    const answer = await authorizeInBrowser(
      authorizeUrl(clientId, {
        code_challenge: challenge,
        code_challenge_method: 'S256',
        scope: undefined,
      }),
    );
    const tokens = await token({
      grant_type: 'authorization_code',
      code: answer.get('code') as string,
      code_verifier: verifier,
      client_id: clientId,
      redirect_uri: callback.url,
    });
    expect(decodeJwt(tokens.body.access_token as string).scope).toBe('mcp:read');
  });

  it('refuses a code redeemed with another redirect URI or without its verifier', async () => {
    const clientId = await register();
    const { code, verifier } = await codeFor(clientId);
    const wrongRedirect = await token({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: clientId,
      redirect_uri: 'http://127.0.0.1:9/elsewhere',
    });
    expect(wrongRedirect.body.error).toBe('invalid_grant');
    const again = await codeFor(clientId, CAROL, false); // consent is remembered
    const noVerifier = await token({
      grant_type: 'authorization_code',
      code: again.code,
      client_id: clientId,
      redirect_uri: callback.url,
    });
    expect(noVerifier.body.error).toBe('invalid_grant');
  });

  it('rotates refresh tokens, refuses a used one, and honours revocation', async () => {
    const clientId = await register();
    const { code, verifier } = await codeFor(clientId);
    const first = await token({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: clientId,
      redirect_uri: callback.url,
    });
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token as string,
      client_id: clientId,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);
    expect(decodeJwt(refreshed.body.access_token as string).aud).toBe(`${app.url}/mcp`);

    // Bound to its client: another client presenting it gets nothing.
    const stranger = await register('Stranger');
    const stolen = await token({
      grant_type: 'refresh_token',
      refresh_token: refreshed.body.refresh_token as string,
      client_id: stranger,
    });
    expect(stolen.body.error).toBe('invalid_grant');

    // Both access tokens of the grant work until it is revoked...
    expect((await mcpCall(first.body.access_token as string)).status).toBe(200);
    expect((await mcpCall(refreshed.body.access_token as string)).status).toBe(200);

    const revoked = await fetch(`${app.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: refreshed.body.refresh_token as string,
        client_id: clientId,
      }),
    });
    expect(revoked.status).toBe(200);
    // ...and the very next call with either is refused, though neither has expired.
    for (const accessToken of [refreshed.body.access_token, first.body.access_token]) {
      const refused = await mcpCall(accessToken as string);
      expect(refused.status).toBe(401);
      expect(refused.challenge).toContain('error="invalid_token"');
      expect(refused.challenge).toContain('revoked');
    }
    const after = await token({
      grant_type: 'refresh_token',
      refresh_token: refreshed.body.refresh_token as string,
      client_id: clientId,
    });
    expect(after.body.error).toBe('invalid_grant');
  });
});

describe('access token revocation', () => {
  it('refuses an access token presented to /oauth/revoke from the next call, its grant alive', async () => {
    const clientId = await register();
    const { code, verifier } = await codeFor(clientId);
    const issued = await token({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: clientId,
      redirect_uri: callback.url,
    });
    const accessToken = issued.body.access_token as string;
    expect((await mcpCall(accessToken)).status).toBe(200);
    const revoke = (client: string) =>
      fetch(`${app.url}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          token: accessToken,
          token_type_hint: 'access_token',
          client_id: client,
        }),
      });
    // Another client may not revoke it.
    const stranger = await revoke(await register('Stranger'));
    expect(stranger.status).toBe(400);
    expect(((await stranger.json()) as { error: string }).error).toBe('unauthorized_client');
    expect((await mcpCall(accessToken)).status).toBe(200);

    expect((await revoke(clientId)).status).toBe(200);
    const refused = await mcpCall(accessToken);
    expect(refused.status).toBe(401);
    expect(refused.challenge).toContain('error="invalid_token"');
    // Only that token: the grant lives on, and its refresh token gets a working one.
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: issued.body.refresh_token as string,
      client_id: clientId,
    });
    expect(refreshed.status).toBe(200);
    expect((await mcpCall(refreshed.body.access_token as string)).status).toBe(200);
  });
});

describe('consent', () => {
  it('is remembered per person and client, across browser sessions', async () => {
    const clientId = await register('Remembered Host');
    await codeFor(clientId, DAN);
    const { challenge } = pkce();
    // A new browser session: the person signs in again, and is not asked again.
    const answer = await authorizeInBrowser(
      authorizeUrl(clientId, { code_challenge: challenge, code_challenge_method: 'S256' }),
      DAN,
      { consent: false },
    );
    expect(answer.get('code')).toBeTruthy();
  });

  it('offers only the scopes the scope map allows the person', async () => {
    const clientId = await register('Greedy Host');
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    try {
      await page.goto(
        authorizeUrl(clientId, {
          code_challenge: pkce().challenge,
          code_challenge_method: 'S256',
          scope: 'mcp:read fixture:write',
        }),
      );
      await page.fill('#username', CAROL.username);
      await page.fill('#password', CAROL.password);
      await Promise.all([
        page.waitForURL(`${app.url}/oauth/interaction/**`),
        page.click('#sign-in'),
      ]);
      expect(await page.textContent('#scopes')).toContain('mcp:read');
      expect(await page.textContent('#refused')).toContain('fixture:write');
    } finally {
      await page.close();
    }
  });

  it('refuses a consent form with a forged or expired CSRF token', async () => {
    const clientId = await register('CSRF Host');
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    try {
      await page.goto(
        authorizeUrl(clientId, { code_challenge: pkce().challenge, code_challenge_method: 'S256' }),
      );
      await page.fill('#username', CAROL.username);
      await page.fill('#password', CAROL.password);
      await Promise.all([
        page.waitForURL(`${app.url}/oauth/interaction/**`),
        page.click('#sign-in'),
      ]);
      const forged = await page.context().request.post(`${page.url()}/consent`, {
        form: { csrf: `${Math.floor(Date.now() / 1000) + 60}.forged`, decision: 'allow' },
        headers: { origin: app.url },
      });
      expect(forged.status()).toBe(403);
      expect(await forged.text()).toContain('did not come from this server');

      skewMs = 11 * 60_000; // the page has been open for eleven minutes
      await page.click('#allow');
      expect(await page.textContent('#detail')).toContain('open too long');
    } finally {
      skewMs = 0;
      await page.close();
    }
  });
});
