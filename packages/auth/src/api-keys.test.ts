import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidRequestError, UnauthorizedError } from '@mcp-runway/errors';
import { describe, expect, it, vi } from 'vitest';
import {
  createApiKeyAuthenticator,
  formatApiKeyEntry,
  hashApiKey,
  loadApiKeys,
  mintApiKey,
  parseApiKeys,
} from './index.js';

// Counts constant-time comparisons, to show every entry is checked.
const comparisons = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return {
    ...actual,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      comparisons.count += 1;
      return actual.timingSafeEqual(a, b);
    },
  };
});

const line = (principal: string, scopes: string, key: string) =>
  formatApiKeyEntry({
    principal,
    scopes: scopes.split(' ').filter(Boolean),
    hash: hashApiKey(key),
  });

async function refusal(promise: Promise<unknown>): Promise<UnauthorizedError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  return error as UnauthorizedError;
}

describe('API key configuration', () => {
  it('mints prefixed keys of 32 random bytes and hashes them with SHA-256', () => {
    const key = mintApiKey();
    expect(key).toMatch(/^mcpr_[A-Za-z0-9_-]{43}$/);
    expect(mintApiKey()).not.toBe(key);
    expect(hashApiKey('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('reads entries one per line or comma-separated, skipping comments and blanks', () => {
    const a = hashApiKey('a');
    const b = hashApiKey('b');
    const c = hashApiKey('c');
    const entries = parseApiKeys(
      `# reporting job, rotated 2026-11\nreports:notes:read notes:write:${a}\n\n  ci::${b} , ops:notes:read:${c.toUpperCase()}\n`,
    );
    expect(entries).toEqual([
      { principal: 'reports', scopes: ['notes:read', 'notes:write'], hash: a },
      { principal: 'ci', scopes: [], hash: b },
      { principal: 'ops', scopes: ['notes:read'], hash: c },
    ]);
  });

  it('lists every bad entry by position, never echoing its content', () => {
    const key = mintApiKey();
    const text = [
      `svc:notes:read:${key}`,
      'no-hash-here',
      `bad principal::${hashApiKey('x')}`,
    ].join('\n');
    const error = (() => {
      try {
        parseApiKeys(text);
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toContain('line 1: this is a plaintext key');
    expect(error?.message).toContain('line 2: expected principal:scopes:sha256hex');
    expect(error?.message).toContain('line 3: the principal must be');
    expect(error?.message).not.toContain(key);
  });

  it('refuses the same key listed twice', () => {
    const hash = hashApiKey('shared');
    expect(() => parseApiKeys(`a::${hash}\nb::${hash}`)).toThrow(/listed twice/);
  });

  it('combines an inline value with a mounted secret file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcpr-keys-'));
    const file = join(dir, 'api-keys');
    await writeFile(file, `from-file::${hashApiKey('f')}\n`);
    const entries = await loadApiKeys({ value: `inline::${hashApiKey('i')}`, file });
    expect(entries.map((entry) => entry.principal)).toEqual(['inline', 'from-file']);
    await expect(loadApiKeys({ file, value: 'broken' })).rejects.toThrow(/inline value, line 1/);
  });
});

describe('createApiKeyAuthenticator', () => {
  const current = mintApiKey();
  const previous = mintApiKey();
  const other = mintApiKey();
  const config = [
    line('reports', 'notes:read notes:write', current),
    line('reports', 'notes:read notes:write', previous),
    line('ci', 'notes:read', other),
  ].join('\n');

  it('accepts a listed key as a Bearer token or in X-API-Key', async () => {
    const auth = createApiKeyAuthenticator(parseApiKeys(config));
    const expected = {
      id: 'reports',
      clientId: 'reports',
      scopes: ['notes:read', 'notes:write'],
      kind: 'apikey',
    };
    await expect(auth.authenticate({ authorization: `Bearer ${current}` })).resolves.toEqual(
      expected,
    );
    await expect(auth.authenticate({ apiKey: current })).resolves.toEqual(expected);
    await expect(auth.authenticate({ authorization: `bearer ${other}` })).resolves.toMatchObject({
      id: 'ci',
    });
  });

  it('compares against every entry, with no early exit on a match', async () => {
    const auth = createApiKeyAuthenticator(parseApiKeys(config));
    comparisons.count = 0;
    await auth.authenticate({ authorization: `Bearer ${current}` });
    expect(comparisons.count).toBe(3);
  });

  it('rejects an unknown key with invalid_token, and no key with a bare challenge', async () => {
    const auth = createApiKeyAuthenticator(parseApiKeys(config));
    const unknown = await refusal(auth.authenticate({ authorization: `Bearer ${mintApiKey()}` }));
    expect(unknown.headers['WWW-Authenticate']).toBe(
      'Bearer error="invalid_token", error_description="The API key is not recognised"',
    );
    const missing = await refusal(auth.authenticate({}));
    expect(missing.headers['WWW-Authenticate']).toBe('Bearer');
  });

  it('stops accepting the previous key once rotation removes its line', async () => {
    const rotated = createApiKeyAuthenticator(
      parseApiKeys(
        config
          .split('\n')
          .filter((_, i) => i !== 1)
          .join('\n'),
      ),
    );
    await refusal(rotated.authenticate({ authorization: `Bearer ${previous}` }));
    await expect(
      rotated.authenticate({ authorization: `Bearer ${current}` }),
    ).resolves.toMatchObject({ id: 'reports' });
  });

  it('refuses to start with no keys at all', () => {
    expect(() => createApiKeyAuthenticator([])).toThrow(/at least one key/);
  });

  it('ignores X-API-Key when told to accept keys only as Bearer tokens', async () => {
    const auth = createApiKeyAuthenticator(parseApiKeys(config), { acceptApiKeyHeader: false });
    await refusal(auth.authenticate({ apiKey: current }));
  });

  it('answers a malformed Authorization header with 400 invalid_request', async () => {
    const auth = createApiKeyAuthenticator(parseApiKeys(config));
    for (const authorization of [`Bearer ${current}, Bearer ${other}`, 'Bearer', 'Bearer a b']) {
      const error = await auth.authenticate({ authorization }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).headers['WWW-Authenticate']).toContain(
        'error="invalid_request"',
      );
      expect((error as InvalidRequestError).message).not.toContain(current);
    }
  });
});
