/**
 * Upstream tokens at rest: sealed (AES-256-GCM) in the state store, never in clear; opened by
 * any configured key (rotation), bound to their person, refreshed upstream when expired, and
 * sent only to the provider's own origins.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '@mcp-runway/logging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from './memory-store.js';
import type { UpstreamTokens } from './upstream.js';
import { createUpstreamTokenStore, parseEncryptionKeys } from './upstream-tokens.js';

const OLD = `old:${'o'.repeat(40)}`;
const NEW = `new:${'n'.repeat(40)}`;
const ACCESS = 'upstream-access-7f3a9c';
const REFRESH = 'upstream-refresh-2b8e41';
const logger = createLogger({
  name: 'upstream-tokens-test',
  level: 'silent',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});

let api: Server;
let apiUrl: string;
const seen: (string | undefined)[] = [];
beforeAll(async () => {
  api = createServer((request, response) => {
    seen.push(request.headers.authorization);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => api.close(resolve)));

function tokenStore(key: string, store = createMemoryStore({ clientIdleTtlSeconds: 60 })) {
  const refreshed: string[] = [];
  const tokens = createUpstreamTokenStore({
    store,
    keys: parseEncryptionKeys(key),
    ttlSeconds: 3600,
    refresh: async (refreshToken): Promise<UpstreamTokens> => {
      refreshed.push(refreshToken);
      return { accessToken: 'upstream-access-fresh', expiresAt: Date.now() / 1000 + 600 };
    },
    userinfoUrl: async () => `${apiUrl}/userinfo`,
    origins: async () => new Set([apiUrl]),
    logger,
  });
  return { tokens, store, refreshed };
}

describe('upstream tokens', () => {
  it('are sealed at rest, opened by any configured key, and bound to their person', async () => {
    const { tokens, store } = tokenStore(OLD);
    await tokens.save('erin', { accessToken: ACCESS, refreshToken: REFRESH });
    const sealed = await store.get<string>('upstream', 'erin');
    expect(sealed).toMatch(/^old\./);
    expect(sealed).not.toContain(ACCESS);
    expect(sealed).not.toContain(REFRESH);
    expect(await tokens.accessFor('erin').token()).toBe(ACCESS);

    // Rotation: the new key first seals; the old one still opens what it sealed.
    const rotated = tokenStore(`${NEW},${OLD}`, store).tokens;
    expect(await rotated.accessFor('erin').token()).toBe(ACCESS);
    await rotated.save('frank', { accessToken: 'frank-access' });
    expect(await store.get<string>('upstream', 'frank')).toMatch(/^new\./);
    // Dropped key: its records no longer open.
    await expect(tokenStore(NEW, store).tokens.accessFor('erin').token()).rejects.toThrow(
      'sign in again',
    );
    // A record copied to another person does not open for them.
    await store.put('upstream', 'mallory', sealed, 60);
    await expect(tokens.accessFor('mallory').token()).rejects.toThrow('sign in again');
  });

  it('are refreshed upstream when expired, and sent to the provider only', async () => {
    const { tokens, refreshed } = tokenStore(OLD);
    await tokens.save('erin', {
      accessToken: ACCESS,
      refreshToken: REFRESH,
      expiresAt: Math.floor(Date.now() / 1000) - 1,
    });
    const erin = tokens.accessFor('erin');
    const answer = await erin.fetch(`${apiUrl}/userinfo`);
    expect(await answer.json()).toEqual({ ok: true });
    expect(refreshed).toEqual([REFRESH]);
    expect(seen.at(-1)).toBe('Bearer upstream-access-fresh');
    expect(await erin.token()).toBe('upstream-access-fresh'); // kept, no second refresh
    expect(refreshed).toHaveLength(1);
    await expect(erin.fetch('http://127.0.0.1:9/elsewhere')).rejects.toThrow(
      "is not the identity provider's",
    );
    expect(seen).toHaveLength(1);
  });

  it('refuse malformed key settings', () => {
    expect(() => parseEncryptionKeys('short')).toThrow('at least 32');
    expect(() => parseEncryptionKeys(`${OLD},${OLD}`)).toThrow('twice');
    expect(parseEncryptionKeys('x'.repeat(32))[0]?.kid).toMatch(/^[0-9a-f]{8}$/);
  });
});
