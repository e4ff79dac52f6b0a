import { ConfigError, loadConfig, redactConfig } from '@mcp-runway/config';
import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseSigningKeys, publicKeySet } from './keys.js';
import { allowedScopes, parseScopeMap } from './scope-map.js';
import { schema } from './test/app.js';

const BUILTIN = {
  AUTH_MODE: 'oauth',
  OAUTH_SERVER: 'builtin',
  UPSTREAM_ISSUER: 'https://login.example.com',
  UPSTREAM_CLIENT_ID: 'mcp',
  UPSTREAM_CLIENT_SECRET: 'upstream-secret-value',
};

async function privateKeys(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return JSON.stringify({ keys: [{ ...(await exportJWK(privateKey)), kid: 'k1', alg: 'ES256' }] });
}

function problems(env: Record<string, string>): string {
  try {
    loadConfig(schema, env);
    return '';
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

describe('OAUTH_SERVER=builtin configuration', () => {
  it('starts on loopback with only the upstream provider (ephemeral keys)', () => {
    expect(problems(BUILTIN)).toBe('');
  });

  it('takes a plain OAuth 2.0 provider by its three endpoints instead of an issuer', () => {
    const { UPSTREAM_ISSUER: _issuer, ...rest } = BUILTIN;
    const endpoints = {
      UPSTREAM_AUTHORIZATION_URL: 'https://github.com/login/oauth/authorize',
      UPSTREAM_TOKEN_URL: 'https://github.com/login/oauth/access_token',
      UPSTREAM_USERINFO_URL: 'https://api.github.com/user',
    };
    expect(problems({ ...rest, ...endpoints, UPSTREAM_SUBJECT_CLAIM: 'id' })).toBe('');
    const { UPSTREAM_TOKEN_URL: _token, ...partial } = endpoints;
    expect(problems({ ...rest, ...partial })).toContain('UPSTREAM_AUTHORIZATION_URL');
  });

  it('needs the upstream issuer and client id', () => {
    const message = problems({ AUTH_MODE: 'oauth', OAUTH_SERVER: 'builtin' });
    expect(message).toContain('UPSTREAM_ISSUER');
    expect(message).toContain('UPSTREAM_CLIENT_ID');
  });

  it('refuses to start off loopback without keys, or with an http:// issuer or upstream', () => {
    const message = problems({
      ...BUILTIN,
      HOST: '0.0.0.0',
      ALLOWED_HOSTS: 'mcp.example.com',
      RESOURCE_URI: 'http://mcp.example.com/mcp',
      UPSTREAM_ISSUER: 'http://login.example.com',
    });
    for (const variable of [
      'OAUTH_SIGNING_KEYS',
      'OAUTH_ENCRYPTION_KEY',
      'RESOURCE_URI',
      'UPSTREAM_ISSUER',
    ])
      expect(message).toContain(variable);
  });

  it('starts off loopback with keys and https everywhere, and never prints a secret', async () => {
    const env = {
      ...BUILTIN,
      HOST: '0.0.0.0',
      ALLOWED_HOSTS: 'mcp.example.com',
      RESOURCE_URI: 'https://mcp.example.com/mcp',
      ALLOWED_ORIGINS: 'https://mcp.example.com',
      OAUTH_SIGNING_KEYS: await privateKeys(),
      OAUTH_ENCRYPTION_KEY: 'x'.repeat(40),
    };
    const config = loadConfig(schema, env);
    const printed = JSON.stringify(redactConfig(schema, config));
    for (const secret of [
      env.OAUTH_SIGNING_KEYS,
      env.OAUTH_ENCRYPTION_KEY,
      env.UPSTREAM_CLIENT_SECRET,
    ])
      expect(printed).not.toContain(secret);
  });

  it('needs shared keys when state is shared through Redis (several replicas), even on loopback', () => {
    const message = problems({ ...BUILTIN, REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(message).toContain('OAUTH_SIGNING_KEYS');
    expect(message).toContain('OAUTH_ENCRYPTION_KEY');
  });

  it('refuses OAUTH_ISSUER next to OAUTH_SERVER=builtin (which server issues the tokens?)', () => {
    expect(problems({ ...BUILTIN, OAUTH_ISSUER: 'https://other.example.com' })).toContain(
      'OAUTH_ISSUER',
    );
  });

  it('refuses public signing keys, keys without kid, and a malformed scope map', async () => {
    const { publicKey } = await generateKeyPair('ES256');
    const publicOnly = JSON.stringify({
      keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }],
    });
    expect(problems({ ...BUILTIN, OAUTH_SIGNING_KEYS: publicOnly })).toContain('private key');
    expect(() => parseSigningKeys('{"keys":[{"kty":"EC"}]}')).toThrow('kid');
    expect(problems({ ...BUILTIN, OAUTH_SCOPE_MAP: 'notes:read' })).toContain('OAUTH_SCOPE_MAP');
  });
});

describe('signing keys', () => {
  it('publishes only the public half', async () => {
    const keys = parseSigningKeys(await privateKeys());
    const [key] = publicKeySet(keys).keys;
    expect(key).toMatchObject({ kid: 'k1', alg: 'ES256', kty: 'EC' });
    expect(key).not.toHaveProperty('d');
  });
});

describe('scope map', () => {
  const map = parseScopeMap('notes:read=*; notes:write=groups:editors email:lead@example.com');
  it('grants a scope by any of its rules', () => {
    expect(allowedScopes(map, { groups: ['editors'] }, ['notes:read', 'notes:write'])).toEqual([
      'notes:read',
      'notes:write',
    ]);
    expect(allowedScopes(map, { email: 'lead@example.com' }, ['notes:write'])).toEqual([
      'notes:write',
    ]);
    expect(allowedScopes(map, { groups: ['viewers'] }, ['notes:read', 'notes:write'])).toEqual([
      'notes:read',
    ]);
  });
  it('grants no scope the map does not name; without a map, every scope', () => {
    expect(allowedScopes(map, {}, ['admin'])).toEqual([]);
    expect(allowedScopes(undefined, {}, ['admin'])).toEqual(['admin']);
  });
});
