/**
 * The upstream (company identity provider) tokens of each signed-in person, kept so that a
 * tool can call the provider's API on their behalf, and never handed to an MCP client.
 *
 * Stored in the state store (`upstream:<subject>`, expiring with the refresh token's lifetime,
 * or the access token's when the provider gave no refresh token) sealed with AES-256-GCM: the
 * key derived from the first OAUTH_ENCRYPTION_KEY entry, its `kid` in front, the subject as
 * additional data (a record moved to another person's key does not open). Any configured
 * entry opens what it sealed, so a new key goes first and the old one stays listed until the
 * records it sealed have expired (OAUTH_REFRESH_TOKEN_TTL_S) or their people signed in again.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { type UpstreamAccess, UpstreamTokenUnavailableError } from '@mcp-runway/auth';
import type { Logger } from '@mcp-runway/logging';
import { deriveSecret } from './keys.js';
import type { RecordStore } from './store.js';
import type { UpstreamTokens } from './upstream.js';

export interface EncryptionKey {
  kid: string;
  /** The configured secret: cookie keys and consent tokens derive from it too. */
  secret: string;
}

/**
 * Parses OAUTH_ENCRYPTION_KEY: one secret, or several comma-separated `kid:secret` entries
 * (the first seals, every one opens). A bare secret's kid is a hash of it.
 */
export function parseEncryptionKeys(value: string): EncryptionKey[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('must name at least one key');
  const keys = entries.map((entry) => {
    const colon = entry.indexOf(':');
    const [kid, secret] =
      colon > 0
        ? [entry.slice(0, colon), entry.slice(colon + 1)]
        : [createHash('sha256').update(entry).digest('hex').slice(0, 8), entry];
    if (!/^[\w.-]+$/.test(kid)) throw new Error(`kid ${kid} may hold only letters, digits, _ . -`);
    if (secret.length < 32) throw new Error(`key ${kid} must be at least 32 characters`);
    return { kid, secret };
  });
  if (new Set(keys.map((key) => key.kid)).size !== keys.length)
    throw new Error('a kid is listed twice');
  return keys;
}

const KIND = 'upstream';
/** Refreshed this long before the provider's expiry. */
const EARLY_SECONDS = 30;

interface Stored {
  access_token: string;
  refresh_token?: string;
  /** Seconds since the epoch. */
  expires_at?: number;
}

export interface UpstreamTokenStoreOptions {
  store: RecordStore;
  keys: readonly EncryptionKey[];
  /** How long a record with a refresh token is kept (OAUTH_REFRESH_TOKEN_TTL_S). */
  ttlSeconds: number;
  refresh(refreshToken: string): Promise<UpstreamTokens>;
  userinfoUrl(): Promise<string | undefined>;
  /** The origins an upstream token may be sent to. */
  origins(): Promise<ReadonlySet<string>>;
  logger: Logger;
}

export interface UpstreamTokenStore {
  save(subject: string, tokens: UpstreamTokens): Promise<void>;
  /** The person's capability; nothing is read until a tool uses it. */
  accessFor(subject: string): UpstreamAccess;
}

export function createUpstreamTokenStore(options: UpstreamTokenStoreOptions): UpstreamTokenStore {
  const { store, logger } = options;
  const ciphers = new Map(
    options.keys.map((key) => [key.kid, deriveSecret(key.secret, 'upstream-tokens')]),
  );
  const sealing = options.keys[0] as EncryptionKey;

  function seal(subject: string, value: Stored): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', ciphers.get(sealing.kid) as Buffer, iv);
    cipher.setAAD(Buffer.from(subject));
    const body = Buffer.concat([cipher.update(JSON.stringify(value)), cipher.final()]);
    return [sealing.kid, iv, Buffer.concat([body, cipher.getAuthTag()])]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  function open(subject: string, sealed: string): Stored | undefined {
    const [kid, iv, body] = sealed.split('.');
    const key = kid ? ciphers.get(kid) : undefined;
    if (!key || !iv || !body) return undefined; // sealed with a key no longer configured
    try {
      const bytes = Buffer.from(body, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(subject));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      const plain = Buffer.concat([
        decipher.update(bytes.subarray(0, bytes.length - 16)),
        decipher.final(),
      ]);
      return JSON.parse(plain.toString('utf8')) as Stored;
    } catch {
      return undefined;
    }
  }

  async function save(subject: string, tokens: UpstreamTokens): Promise<void> {
    const value: Stored = { access_token: tokens.accessToken };
    if (tokens.refreshToken) value.refresh_token = tokens.refreshToken;
    if (tokens.expiresAt) value.expires_at = tokens.expiresAt;
    const untilAccessExpires = tokens.expiresAt
      ? tokens.expiresAt - Math.floor(Date.now() / 1000)
      : options.ttlSeconds;
    const ttl = tokens.refreshToken
      ? options.ttlSeconds
      : Math.max(1, Math.min(options.ttlSeconds, untilAccessExpires));
    await store.put(KIND, subject, seal(subject, value), ttl);
  }

  async function token(subject: string): Promise<string> {
    const sealed = await store.get<string>(KIND, subject);
    const stored = sealed ? open(subject, sealed) : undefined;
    if (!stored)
      throw new UpstreamTokenUnavailableError('no upstream token for this person: sign in again');
    const now = Math.floor(Date.now() / 1000);
    if (!stored.expires_at || stored.expires_at - EARLY_SECONDS > now) return stored.access_token;
    if (!stored.refresh_token)
      throw new UpstreamTokenUnavailableError('the upstream token expired: sign in again');
    try {
      const fresh = await options.refresh(stored.refresh_token);
      await save(subject, {
        ...fresh,
        refreshToken: fresh.refreshToken ?? stored.refresh_token,
      });
      return fresh.accessToken;
    } catch (error) {
      logger.warn({ kind: 'oauth-upstream', err: error }, 'upstream token refresh failed');
      throw new UpstreamTokenUnavailableError('the upstream token could not be refreshed', {
        cause: error,
      });
    }
  }

  return {
    save,
    accessFor(subject) {
      return {
        userinfoUrl: () => options.userinfoUrl(),
        token: () => token(subject),
        async fetch(url, init = {}) {
          const target = new URL(url);
          if (!(await options.origins()).has(target.origin))
            throw new Error(`${target.origin} is not the identity provider's`);
          const headers = new Headers(init.headers);
          headers.set('authorization', `Bearer ${await token(subject)}`);
          // No redirects: the token must not follow one to another origin.
          return fetch(target, { ...init, headers, redirect: 'manual' });
        },
      };
    },
  };
}
