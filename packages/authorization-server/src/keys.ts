/**
 * The keys the authorization server holds: the private JWK set access tokens are signed with
 * (from OAUTH_SIGNING_KEYS, or an ephemeral key on loopback), its public half that the
 * resource server verifies with, and secrets derived from OAUTH_ENCRYPTION_KEY.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from 'jose';

/** Signing algorithms a configured key may name (asymmetric only, as the verifier accepts). */
const ALGORITHMS = new Set(['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA']);
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

export interface SigningKeys {
  /** Private keys, signing key first. */
  keys: JWK[];
  /** The algorithm of the first key: the one new tokens are signed with. */
  alg: string;
}

/**
 * Parses OAUTH_SIGNING_KEYS: `{"keys":[...]}` of private JWKs, each with `kid` and `alg`.
 * Rotation: put the new key first (it signs from the next deploy) and keep the old one
 * listed until the tokens it signed have expired (OAUTH_ACCESS_TOKEN_TTL_S).
 */
export function parseSigningKeys(json: string): SigningKeys {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('must be a JSON Web Key Set: {"keys":[...]}');
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0)
    throw new Error('must be a JSON Web Key Set with at least one key');
  const kids = new Set<string>();
  for (const key of keys as JWK[]) {
    if (typeof key !== 'object' || key === null) throw new Error('every key must be an object');
    if (!key.kid) throw new Error('every key needs a kid (tokens name their key by kid)');
    if (kids.has(key.kid)) throw new Error(`kid ${key.kid} is listed twice`);
    kids.add(key.kid);
    if (!key.alg || !ALGORITHMS.has(key.alg))
      throw new Error(`key ${key.kid} needs alg, one of ${[...ALGORITHMS].join(', ')}`);
    if (!key.d) throw new Error(`key ${key.kid} is a public key; signing needs the private key`);
  }
  const list = keys as JWK[];
  return { keys: list, alg: list[0]?.alg as string };
}

/** A development key, made at startup and gone with the process (loopback only). */
export async function ephemeralSigningKeys(): Promise<SigningKeys> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = `ephemeral-${randomBytes(6).toString('hex')}`;
  return { keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }], alg: 'ES256' };
}

/** The public half, what `/oauth/jwks` serves and the resource server verifies with. */
export function publicKeySet(keys: SigningKeys): JSONWebKeySet {
  return {
    keys: keys.keys.map((key) => {
      const copy: Record<string, unknown> = { ...key };
      for (const member of PRIVATE_MEMBERS) delete copy[member];
      return copy as JWK;
    }),
  };
}

/** Independent secrets for each use, derived from the one configured key (HKDF-SHA256). */
export function deriveSecret(encryptionKey: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', encryptionKey, 'mcp-runway', purpose, 32));
}
