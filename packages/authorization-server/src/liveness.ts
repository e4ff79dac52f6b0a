/**
 * Revocation that takes effect on the very next call. Access tokens are JWTs the resource
 * server verifies itself, and oidc-provider keeps no record of them; so each one's `jti` is
 * recorded with its grant when it is signed (`access:<jti>` in the state store, expiring with
 * the token), and a verified token is accepted only while that record and its grant exist.
 * Revoking a refresh token or a grant (`/oauth/revoke`, a replayed code or refresh token)
 * destroys the grant: every access token issued under it is refused from then on, by every
 * replica sharing the store.
 *
 * A positive answer is cached in this process for `cacheMs` (bounded to `maxEntries`), so a
 * busy client costs one store read per window; a revocation made by this process clears its
 * cache at once, one made by another replica is seen within the window. When the store cannot
 * answer (Redis down, its circuit open), the check fails closed: the authenticator answers
 * 503 with Retry-After, never 401 (the client keeps its token), except for a token whose
 * positive answer is still cached.
 */
import type { Adapter } from 'oidc-provider';
import type { StateStore } from './store.js';

export interface TokenLivenessOptions {
  store: StateStore;
  /** How long a positive answer is reused. 0: every call asks the store. */
  cacheMs: number;
  /** @default 10_000 */
  maxEntries?: number;
  now?: () => number;
}

export interface TokenLiveness {
  /** Records a freshly signed access token under its grant. */
  issued(jti: string, grantId: string, expiresAt: number): Promise<void>;
  /** Whether a verified token's record and grant still exist. */
  isActive(claims: Readonly<Record<string, unknown>>): Promise<boolean>;
  /** A grant was revoked in this process: forget what was cached for it. */
  revoked(grantId: string): void;
  /** One access token revoked (presented to `/oauth/revoke`): its record and cache entry go. */
  revokeToken(jti: string): Promise<void>;
}

const KIND = 'access';

export function createTokenLiveness({
  store,
  cacheMs,
  maxEntries = 10_000,
  now = Date.now,
}: TokenLivenessOptions): TokenLiveness {
  const cache = new Map<string, { grantId: string; until: number }>();
  let grants: Adapter | undefined;
  const grantAdapter = () => {
    grants ??= store.adapterFor('Grant');
    return grants;
  };

  return {
    async issued(jti, grantId, expiresAt) {
      const ttl = Math.max(1, Math.ceil(expiresAt - now() / 1000));
      await store.put(KIND, jti, grantId, ttl);
    },
    async isActive(claims) {
      const jti = claims.jti;
      if (typeof jti !== 'string' || jti === '') return false;
      const cached = cache.get(jti);
      if (cached && cached.until > now()) return true;
      if (cached) cache.delete(jti);
      const grantId = await store.get<string>(KIND, jti);
      if (!grantId) return false;
      if (!(await grantAdapter().find(grantId))) return false;
      if (cacheMs > 0) {
        if (cache.size >= maxEntries) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
        cache.set(jti, { grantId, until: now() + cacheMs });
      }
      return true;
    },
    revoked(grantId) {
      for (const [jti, entry] of cache) if (entry.grantId === grantId) cache.delete(jti);
    },
    async revokeToken(jti) {
      cache.delete(jti);
      await store.take(KIND, jti);
    },
  };
}
