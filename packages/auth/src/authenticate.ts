import { isRefusedCredential } from './challenge.js';
import { bearerToken } from './credentials.js';
import {
  type Authenticator,
  type AuthInfo,
  type Credentials,
  type Principal,
  toAuthInfo,
} from './principal.js';

export interface Authenticated {
  principal: Principal;
  /** For the SDK handler: `handler.fetch(request, { authInfo })`. */
  authInfo: AuthInfo;
}

/**
 * A limit on failed authentication (`createAuthFailureLimiter` of @mcp-runway/rate-limit fits):
 * `admit` runs before any credential is looked at and throws to refuse (429); `failed` hears
 * of every presented credential that was refused. A success is not reported: it never
 * resets a count.
 */
export interface FailureLimit {
  admit(key: string): Promise<void>;
  failed(key: string): Promise<void>;
}

/** The limit, and whose count this request is (its client address). */
export interface FailureGuard {
  limit: FailureLimit;
  key: string;
}

/**
 * One request through an authenticator: the principal, and the `AuthInfo` the SDK expects.
 * With a guard, a client that failed too often is refused before its credential is checked
 * (no key comparison, no introspection call), and each refused credential is counted.
 */
export async function authenticateRequest(
  authenticator: Authenticator,
  credentials: Credentials,
  guard?: FailureGuard,
): Promise<Authenticated> {
  if (guard) await guard.limit.admit(guard.key);
  let principal: Principal;
  try {
    principal = await authenticator.authenticate(credentials);
  } catch (error) {
    if (guard && isRefusedCredential(error)) await guard.limit.failed(guard.key);
    throw error;
  }
  // The authenticator accepted this header, so it parses (toAuthInfo drops API keys).
  return { principal, authInfo: toAuthInfo(principal, bearerToken(credentials, {}) ?? '') };
}
