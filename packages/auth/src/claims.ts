import type { Principal } from './principal.js';

/** The claims a verified access token (JWT payload or introspection answer) may carry. */
export interface TokenClaims {
  sub?: unknown;
  client_id?: unknown;
  azp?: unknown;
  scope?: unknown;
  scp?: unknown;
  exp?: unknown;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `scope` (RFC 9068, space-separated) or `scp` (Entra, Okta: an array or a string). */
export function scopesOf(claims: TokenClaims): string[] {
  const raw = claims.scope ?? claims.scp;
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(' ') : [];
  return list.filter((scope): scope is string => typeof scope === 'string' && scope !== '');
}

/**
 * The principal a verified token names: `sub`, else the client (machine tokens from some
 * authorization servers carry no `sub`). Undefined when the token names nobody at all.
 */
export function principalFromClaims(claims: TokenClaims, resource: string): Principal | undefined {
  const clientId = nonEmptyString(claims.client_id) ?? nonEmptyString(claims.azp);
  const id = nonEmptyString(claims.sub) ?? clientId;
  if (id === undefined) return undefined;
  return {
    id,
    clientId: clientId ?? id,
    scopes: scopesOf(claims),
    kind: 'oauth',
    ...(typeof claims.exp === 'number' && { expiresAt: claims.exp }),
    resource,
  };
}
