import { randomBytes } from 'node:crypto';

/** The header that carries a 2025-era session id, in both directions (lower case, as Node reads it). */
export const SESSION_ID_HEADER = 'mcp-session-id';

/**
 * A new session id: 128 random bits from the OS CSPRNG, base64url (22 characters). The spec
 * asks for visible ASCII and a cryptographically secure value: a session id is a bearer
 * handle, so guessing one must be as hard as guessing a key.
 */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

/** Visible ASCII (0x21-0x7E), at most 128 characters: what the spec allows, and all we look up. */
const VISIBLE_ASCII = /^[\x21-\x7e]{1,128}$/;

/** True for a value that could be a session id; anything else is refused without a lookup. */
export function isValidSessionId(value: string): boolean {
  return VISIBLE_ASCII.test(value);
}

/** The session id header of a Node request, or undefined when absent or empty. */
export function sessionIdOf(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string | undefined {
  const value = headers[SESSION_ID_HEADER];
  const id = Array.isArray(value) ? value[0] : value;
  return id ? id : undefined;
}
