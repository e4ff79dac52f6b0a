/**
 * Dynamic Client Registration's own limits: registrations per client address per window, and
 * a registered client forgotten once unused for OAUTH_DCR_CLIENT_IDLE_TTL_S. And the limits
 * of the other endpoints: authorization requests (a page) and token requests (JSON).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from './memory-store.js';
import { type RunningApp, startApp } from './test/app.js';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp({
    // Never contacted: no one logs in here.
    UPSTREAM_ISSUER: 'https://idp.invalid',
    UPSTREAM_CLIENT_ID: 'mcp-runway',
    OAUTH_DCR_LIMIT: '2',
    OAUTH_DCR_WINDOW_S: '600',
    OAUTH_AUTHORIZE_LIMIT: '2',
    OAUTH_TOKEN_LIMIT: '2',
    OAUTH_ENDPOINT_WINDOW_S: '600',
  });
});
afterAll(async () => {
  await app?.close();
});

function register(): Promise<Response> {
  return fetch(`${app.url}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      redirect_uris: ['http://127.0.0.1:8976/callback'],
      token_endpoint_auth_method: 'none',
    }),
  });
}

describe('dynamic client registration', () => {
  it('refuses an address past OAUTH_DCR_LIMIT registrations per window, with 429 and Retry-After', async () => {
    expect((await register()).status).toBe(201);
    expect((await register()).status).toBe(201);
    const refused = await register();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('600');
    expect(((await refused.json()) as { error: string }).error).toBe('temporarily_unavailable');
  });

  it('forgets a registered client unused for the idle time; each use pushes that back', async () => {
    let now = 0;
    const store = createMemoryStore({ clientIdleTtlSeconds: 10, now: () => now });
    const clients = store.adapterFor('Client');
    await clients.upsert('used', { client_id: 'used' });
    await clients.upsert('unused', { client_id: 'unused' });
    now = 8_000;
    expect(await clients.find('used')).toBeDefined();
    now = 16_000;
    expect(await clients.find('used')).toBeDefined(); // 8 s after its last use
    expect(await clients.find('unused')).toBeUndefined(); // 16 s after registration
    store.close();
  });
});

describe('the other endpoints', () => {
  it('limit authorization requests per address, with a 429 page and Retry-After', async () => {
    const authorize = () => fetch(`${app.url}/oauth/authorize?client_id=nobody&response_type=code`);
    for (let i = 0; i < 2; i++) expect((await authorize()).status).toBe(400); // unknown client
    const refused = await authorize();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.headers.get('content-type')).toContain('text/html');
    expect(refused.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await refused.text()).toContain('Too many sign-in attempts');
  });

  it('limit token requests per address, with a 429 JSON error and Retry-After', async () => {
    const token = () =>
      fetch(`${app.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: 'guess',
          client_id: 'nobody',
        }),
      });
    for (let i = 0; i < 2; i++) expect((await token()).status).toBeLessThan(429);
    const refused = await token();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await refused.json()).toMatchObject({ error: 'temporarily_unavailable' });
  });
});
