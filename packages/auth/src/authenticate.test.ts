import {
  InvalidRequestError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthorizedError,
} from '@mcp-runway/errors';
import { describe, expect, it } from 'vitest';
import {
  type Authenticator,
  authenticateRequest,
  createApiKeyAuthenticator,
  type FailureLimit,
  hashApiKey,
  isRefusedCredential,
  mintApiKey,
  unauthorized,
} from './index.js';

const key = mintApiKey();

/** The real API-key authenticator, counting how often it was asked. */
function counted(inner: Authenticator): Authenticator & { calls: number } {
  const counter = {
    calls: 0,
    authenticate(credentials: Parameters<Authenticator['authenticate']>[0]) {
      counter.calls++;
      return inner.authenticate(credentials);
    },
  };
  return counter;
}

/**
 * The interface @mcp-runway/rate-limit's `createAuthFailureLimiter` implements, in its
 * simplest form: a count per key, refusing from `max` on.
 */
function failureLimit(max: number): FailureLimit & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return {
    counts,
    async admit(address) {
      if ((counts.get(address) ?? 0) >= max) throw new RateLimitedError(60);
    },
    async failed(address) {
      counts.set(address, (counts.get(address) ?? 0) + 1);
    },
  };
}

const apiKeys = () =>
  counted(createApiKeyAuthenticator([{ principal: 'ci', scopes: [], hash: hashApiKey(key) }]));
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('authenticateRequest with a failure limit', () => {
  it('counts each refused credential, then refuses before the authenticator looks at one', async () => {
    const authenticator = apiKeys();
    const limit = failureLimit(3);
    const guard = { limit, key: 'ip:203.0.113.7' };
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(
        authenticateRequest(authenticator, bearer(mintApiKey()), guard),
      ).rejects.toBeInstanceOf(UnauthorizedError);
    }
    expect(limit.counts.get('ip:203.0.113.7')).toBe(3);
    // Even the right key: the address is refused before any comparison.
    await expect(authenticateRequest(authenticator, bearer(key), guard)).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    expect(authenticator.calls).toBe(3);
    // Another address is untouched.
    await expect(
      authenticateRequest(authenticator, bearer(key), { limit, key: 'ip:198.51.100.1' }),
    ).resolves.toMatchObject({ principal: { id: 'ci' } });
  });

  it('counts a malformed credential, but not a missing one, a success or an outage', async () => {
    const limit = failureLimit(100);
    const guard = { limit, key: 'ip:203.0.113.7' };
    await expect(
      authenticateRequest(apiKeys(), { authorization: 'Bearer two tokens' }, guard),
    ).rejects.toBeInstanceOf(InvalidRequestError);
    expect(limit.counts.get('ip:203.0.113.7')).toBe(1);

    await expect(authenticateRequest(apiKeys(), {}, guard)).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    await authenticateRequest(apiKeys(), bearer(key), guard);
    const down: Authenticator = {
      authenticate: () => Promise.reject(new ServiceUnavailableError('introspection is down')),
    };
    await expect(authenticateRequest(down, bearer(key), guard)).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
    expect(limit.counts.get('ip:203.0.113.7')).toBe(1);
  });
});

describe('isRefusedCredential', () => {
  it('is true for a presented credential refused (401 invalid_token, 400 invalid_request)', () => {
    expect(isRefusedCredential(unauthorized({}, 'The API key is not recognised'))).toBe(true);
    expect(isRefusedCredential(unauthorized({}))).toBe(false);
    expect(isRefusedCredential(new ServiceUnavailableError())).toBe(false);
    expect(isRefusedCredential(new Error('boom'))).toBe(false);
  });
});
