import { ServiceUnavailableError, UnauthorizedError } from '@mcp-runway/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createIntrospectionAuthenticator,
  type IntrospectionAuthenticatorOptions,
} from './index.js';
import {
  startAuthorizationServer,
  type TestAuthorizationServer,
} from './testing/authorization-server.js';

const RESOURCE = 'https://mcp.example.com/mcp';
const OTHER_RESOURCE = 'https://billing.example.com/api';
const READER = { clientId: 'reader', clientSecret: 'reader-secret', scopes: ['notes:read'] };
const INTROSPECTOR = { clientId: 'mcp-server', clientSecret: 'mcp-server-secret' };
const challenge = {
  resourceMetadataUrl: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
};
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('opaque access tokens through RFC 7662 introspection', () => {
  let as: TestAuthorizationServer;
  const authenticator = (overrides: Partial<IntrospectionAuthenticatorOptions> = {}) =>
    createIntrospectionAuthenticator({
      introspectionUrl: as.introspectionUrl,
      clientId: INTROSPECTOR.clientId,
      clientSecret: INTROSPECTOR.clientSecret,
      issuer: as.issuer,
      audience: RESOURCE,
      challenge,
      ...overrides,
    });
  const introspections = () => as.requests.get('/token/introspection') ?? 0;

  beforeAll(async () => {
    as = await startAuthorizationServer({
      resources: { [RESOURCE]: 'opaque', [OTHER_RESOURCE]: 'opaque' },
      scopes: ['notes:read', 'notes:write'],
      clients: [READER],
      introspector: INTROSPECTOR,
    });
  });
  afterAll(() => as.close());

  it('accepts an active token for this resource and reads its principal', async () => {
    const token = await as.token(READER, { resource: RESOURCE, scope: 'notes:read' });
    await expect(authenticator().authenticate(bearer(token))).resolves.toMatchObject({
      id: 'reader',
      clientId: 'reader',
      scopes: ['notes:read'],
      kind: 'oauth',
      resource: RESOURCE,
    });
  });

  it('rejects an active token issued for another resource', async () => {
    const token = await as.token(READER, { resource: OTHER_RESOURCE, scope: 'notes:read' });
    const error = await authenticator()
      .authenticate(bearer(token))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).message).toContain('not issued for this resource');
  });

  it('rejects a token the authorization server does not know', async () => {
    const error = await authenticator()
      .authenticate(bearer('not-a-real-token'))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).headers['WWW-Authenticate']).toContain(
      'error="invalid_token"',
    );
  });

  it('reuses an active answer for the same token instead of asking again', async () => {
    const token = await as.token(READER, { resource: RESOURCE, scope: 'notes:read' });
    const auth = authenticator();
    const before = introspections();
    for (let i = 0; i < 5; i++) await auth.authenticate(bearer(token));
    expect(introspections() - before).toBe(1);
  });

  it('does not ask again about a token it refused, for a while: a repeated bad token is free', async () => {
    const auth = authenticator();
    const before = introspections();
    for (let i = 0; i < 5; i++) {
      const error = await auth
        .authenticate(bearer('repeated-bad-token'))
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UnauthorizedError);
      expect((error as UnauthorizedError).message).toContain('not active');
    }
    expect(introspections() - before).toBe(1);
  });

  it('remembers a refusal for its own reason: a token for another resource stays refused as such', async () => {
    const token = await as.token(READER, { resource: OTHER_RESOURCE, scope: 'notes:read' });
    const auth = authenticator();
    const before = introspections();
    for (let i = 0; i < 3; i++) {
      const error = await auth.authenticate(bearer(token)).catch((caught: unknown) => caught);
      expect((error as UnauthorizedError).message).toContain('not issued for this resource');
    }
    expect(introspections() - before).toBe(1);
  });

  it('asks again once a refusal is older than negativeCacheTtlMs, and keeps few of them', async () => {
    const auth = authenticator({ negativeCacheTtlMs: 50, negativeCacheMaxEntries: 2 });
    const refuse = (token: string) => auth.authenticate(bearer(token)).catch(() => undefined);
    const before = introspections();
    await refuse('bad-a');
    await new Promise((resolve) => setTimeout(resolve, 80));
    await refuse('bad-a');
    expect(introspections() - before).toBe(2);
    // Two entries at most: a third refusal pushes out the oldest.
    await refuse('bad-b');
    await refuse('bad-c');
    await refuse('bad-a');
    expect(introspections() - before).toBe(5);
  });

  it('never remembers an outage: each call asks again', async () => {
    const auth = authenticator({ clientSecret: 'wrong' });
    const before = introspections();
    for (let i = 0; i < 2; i++) {
      const error = await auth
        .authenticate(bearer('some-token'))
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
    }
    expect(introspections() - before).toBe(2);
  });

  it('answers 503 when it cannot introspect: bad client credentials or no server', async () => {
    const token = await as.token(READER, { resource: RESOURCE, scope: 'notes:read' });
    for (const overrides of [
      { clientSecret: 'wrong' },
      { introspectionUrl: 'http://127.0.0.1:9/token/introspection' },
    ]) {
      const error = await authenticator(overrides)
        .authenticate(bearer(token))
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
    }
  });
});
