/**
 * Dynamic Client Registration's own limits: registrations per client address per window, and
 * a registered client forgotten once unused for OAUTH_DCR_CLIENT_IDLE_TTL_S.
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
