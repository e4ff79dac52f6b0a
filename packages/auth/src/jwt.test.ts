import { ServiceUnavailableError, UnauthorizedError } from '@mcp-runway/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtAuthenticator, discoverIssuerMetadata } from './index.js';
import {
  startAuthorizationServer,
  type TestAuthorizationServer,
} from './testing/authorization-server.js';
import { type KeyIssuer, startKeyIssuer } from './testing/key-issuer.js';

const RESOURCE = 'https://mcp.example.com/mcp';
const OTHER_RESOURCE = 'https://billing.example.com/api';
const SCOPES = ['notes:read', 'notes:write'];
const WRITER = { clientId: 'writer', clientSecret: 'writer-secret', scopes: SCOPES };
const challenge = {
  resourceMetadataUrl: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
  scopes: ['notes:read'],
};

async function refusal(promise: Promise<unknown>): Promise<UnauthorizedError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  return error as UnauthorizedError;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('JWT access tokens from a real authorization server', () => {
  let as: TestAuthorizationServer;
  let otherAs: TestAuthorizationServer;
  const authenticator = () =>
    createJwtAuthenticator({
      issuer: as.issuer,
      audience: RESOURCE,
      jwksUrl: as.jwksUrl,
      challenge,
    });

  beforeAll(async () => {
    const options = {
      resources: { [RESOURCE]: 'jwt', [OTHER_RESOURCE]: 'jwt' } as const,
      scopes: SCOPES,
      clients: [WRITER],
    };
    [as, otherAs] = await Promise.all([
      startAuthorizationServer(options),
      startAuthorizationServer(options),
    ]);
  });
  afterAll(() => Promise.all([as.close(), otherAs.close()]));

  it('accepts a token issued for this resource and reads its principal and scopes', async () => {
    const token = await as.token(WRITER, {
      resource: RESOURCE,
      scope: 'notes:read notes:write',
    });
    const principal = await authenticator().authenticate(bearer(token));
    expect(principal).toMatchObject({
      id: 'writer',
      clientId: 'writer',
      scopes: ['notes:read', 'notes:write'],
      kind: 'oauth',
      resource: RESOURCE,
    });
    expect(principal.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it('rejects a token issued for another audience', async () => {
    const token = await as.token(WRITER, { resource: OTHER_RESOURCE, scope: 'notes:read' });
    const error = await refusal(authenticator().authenticate(bearer(token)));
    expect(error.headers['WWW-Authenticate']).toBe(
      'Bearer error="invalid_token", error_description="The access token was not issued for this resource", ' +
        `scope="notes:read", resource_metadata="${challenge.resourceMetadataUrl}"`,
    );
  });

  it('rejects a token from another issuer, even for the same resource', async () => {
    const token = await otherAs.token(WRITER, { resource: RESOURCE, scope: 'notes:read' });
    await refusal(authenticator().authenticate(bearer(token)));
  });

  it('rejects a token whose signature was tampered with', async () => {
    const token = await as.token(WRITER, { resource: RESOURCE, scope: 'notes:read' });
    const [header, payload, signature = ''] = token.split('.');
    const flipped = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    const error = await refusal(
      authenticator().authenticate(bearer(`${header}.${payload}.${flipped}`)),
    );
    expect(error.message).toContain('signature');
  });

  it('answers a request without credentials with a challenge that names no error', async () => {
    for (const credentials of [{}, { authorization: 'Basic d3JpdGVyOnNlY3JldA==' }]) {
      const error = await refusal(authenticator().authenticate(credentials));
      expect(error.headers['WWW-Authenticate']).toBe(
        `Bearer scope="notes:read", resource_metadata="${challenge.resourceMetadataUrl}"`,
      );
    }
  });

  it('finds the JWKS and introspection endpoint in the issuer metadata', async () => {
    await expect(discoverIssuerMetadata(as.issuer)).resolves.toMatchObject({
      issuer: as.issuer,
      jwks_uri: as.jwksUrl,
      introspection_endpoint: as.introspectionUrl,
    });
    // RFC 8414 §3.3: the document must name exactly the issuer we asked about.
    await expect(discoverIssuerMetadata(`${as.issuer}/`)).rejects.toThrow(/names issuer/);
  });

  it('fetches the JWKS once across many verifications, concurrent ones included', async () => {
    const token = await as.token(WRITER, { resource: RESOURCE, scope: 'notes:read' });
    const before = as.requests.get('/jwks') ?? 0;
    const fresh = authenticator();
    await Promise.all(Array.from({ length: 20 }, () => fresh.authenticate(bearer(token))));
    for (let i = 0; i < 30; i++) await fresh.authenticate(bearer(token));
    expect((as.requests.get('/jwks') ?? 0) - before).toBe(1);
  });
});

describe('JWT checks against keys the test controls', () => {
  let keys: KeyIssuer;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({
    iss: keys.issuer,
    aud: RESOURCE,
    sub: 'user-7',
    client_id: 'desktop-app',
    exp: now() + 60,
    ...extra,
  });
  const authenticator = (jwksCooldownMs = 30_000) =>
    createJwtAuthenticator({
      issuer: keys.issuer,
      audience: RESOURCE,
      jwksUrl: keys.jwksUrl,
      challenge,
      jwksCooldownMs,
    });

  beforeAll(async () => {
    keys = await startKeyIssuer();
    await keys.addKey('k1');
  });
  afterAll(() => keys.close());

  it('rejects an expired token, allowing 30 s of clock skew', async () => {
    const auth = authenticator();
    await expect(
      auth.authenticate(bearer(await keys.sign(claims({ exp: now() - 10 }), 'k1'))),
    ).resolves.toMatchObject({ id: 'user-7' });
    const error = await refusal(
      auth.authenticate(bearer(await keys.sign(claims({ exp: now() - 60 }), 'k1'))),
    );
    expect(error.message).toContain('expired');
  });

  it('rejects a token with no expiry', async () => {
    const { exp: _omitted, ...rest } = claims();
    await refusal(authenticator().authenticate(bearer(await keys.sign(rest, 'k1'))));
  });

  it('rejects a token naming another issuer, though signed by a trusted key', async () => {
    const token = await keys.sign(claims({ iss: 'https://evil.example' }), 'k1');
    const error = await refusal(authenticator().authenticate(bearer(token)));
    expect(error.message).toContain('trusted authorization server');
  });

  it('reads scopes from scp and the client from azp', async () => {
    const token = await keys.sign(
      claims({ client_id: undefined, azp: 'spa', scp: ['notes:read'] }),
      'k1',
    );
    await expect(authenticator().authenticate(bearer(token))).resolves.toMatchObject({
      id: 'user-7',
      clientId: 'spa',
      scopes: ['notes:read'],
    });
  });

  it('refetches the JWKS for an unknown kid, at most once per cooldown', async () => {
    const auth = authenticator(500);
    await auth.authenticate(bearer(await keys.sign(claims(), 'k1')));
    const afterFirst = keys.jwksRequests();

    // A flood of forged kids right after a fetch costs the issuer nothing.
    for (let i = 0; i < 5; i++)
      await refusal(auth.authenticate(bearer(await keys.sign(claims(), `forged-${i}`))));
    expect(keys.jwksRequests()).toBe(afterFirst);

    // The issuer rotates to k2; once the cooldown passes, the first k2 token triggers one refetch.
    await keys.addKey('k2');
    await new Promise((resolve) => setTimeout(resolve, 600));
    const rotated = await keys.sign(claims(), 'k2');
    await expect(auth.authenticate(bearer(rotated))).resolves.toMatchObject({ id: 'user-7' });
    await auth.authenticate(bearer(rotated));
    expect(keys.jwksRequests()).toBe(afterFirst + 1);
  });

  it('answers 503, not 401, when the JWKS cannot be fetched', async () => {
    const auth = createJwtAuthenticator({
      issuer: keys.issuer,
      audience: RESOURCE,
      jwksUrl: 'http://127.0.0.1:9/jwks',
      challenge,
    });
    const error = await auth
      .authenticate(bearer(await keys.sign(claims(), 'k1')))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
  });

  it('asks isActive after the checks: false is 401 invalid_token, a throw is 503', async () => {
    const revoked = new Set(['t-2']);
    const seen: unknown[] = [];
    const auth = createJwtAuthenticator({
      issuer: keys.issuer,
      audience: RESOURCE,
      jwksUrl: keys.jwksUrl,
      challenge,
      isActive: async (payload) => {
        seen.push(payload.jti);
        if (payload.jti === 't-3') throw new Error('store unavailable');
        return !revoked.has(payload.jti as string);
      },
    });
    await expect(
      auth.authenticate(bearer(await keys.sign(claims({ jti: 't-1' }), 'k1'))),
    ).resolves.toMatchObject({ id: 'user-7' });
    const error = await refusal(
      auth.authenticate(bearer(await keys.sign(claims({ jti: 't-2' }), 'k1'))),
    );
    expect(error.headers?.['WWW-Authenticate']).toContain('error="invalid_token"');
    const outage = await auth
      .authenticate(bearer(await keys.sign(claims({ jti: 't-3' }), 'k1')))
      .catch((caught: unknown) => caught);
    expect(outage).toBeInstanceOf(ServiceUnavailableError);
    // Never asked about a token that fails verification.
    await refusal(
      auth.authenticate(bearer(await keys.sign(claims({ jti: 't-4', aud: OTHER_RESOURCE }), 'k1'))),
    );
    expect(seen).toEqual(['t-1', 't-2', 't-3']);
  });
});
