import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '@mcp-runway/logging';
import { type ApiKeyEntry, apiKeyDigest } from './api-key-config.js';
import { type Challenge, unauthorized } from './challenge.js';
import { presentedCredential } from './credentials.js';
import type { Authenticator, Principal } from './principal.js';

export interface ApiKeyAuthenticatorOptions {
  /** What 401s say. API-key mode usually has no metadata URL to advertise. @default {} */
  challenge?: Challenge;
  /** Also accept the key in `X-API-Key` (Authorization: Bearer always works). @default true */
  acceptApiKeyHeader?: boolean;
  logger?: Logger;
}

interface StoredKey {
  digest: Buffer;
  principal: Principal;
}

/**
 * Service-to-service keys. Only hashes are held; a presented key is hashed and compared with
 * every entry in constant time, with no early exit, so response timing reveals neither which
 * entry matched nor how much of a hash did.
 */
export function createApiKeyAuthenticator(
  entries: readonly ApiKeyEntry[],
  options: ApiKeyAuthenticatorOptions = {},
): Authenticator {
  // An empty list would refuse every request; a startup error says why much sooner.
  if (entries.length === 0) throw new Error('API key authentication needs at least one key entry');
  const challenge = options.challenge ?? {};
  const acceptApiKeyHeader = options.acceptApiKeyHeader ?? true;
  const keys: StoredKey[] = entries.map((entry) => ({
    digest: Buffer.from(entry.hash, 'hex'),
    principal: {
      id: entry.principal,
      clientId: entry.principal,
      scopes: Object.freeze([...entry.scopes]),
      kind: 'apikey',
    },
  }));

  return {
    async authenticate(credentials) {
      const key = presentedCredential(credentials, challenge, acceptApiKeyHeader);
      if (key === undefined) throw unauthorized(challenge);
      const digest = apiKeyDigest(key);
      let found: Principal | undefined;
      for (const stored of keys) {
        if (timingSafeEqual(stored.digest, digest)) found = stored.principal;
      }
      if (!found) {
        options.logger?.info({ kind: 'apikey' }, 'authentication refused: unknown API key');
        throw unauthorized(challenge, 'The API key is not recognised');
      }
      return found;
    },
  };
}
