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

/** One request through an authenticator: the principal, and the `AuthInfo` the SDK expects. */
export async function authenticateRequest(
  authenticator: Authenticator,
  credentials: Credentials,
): Promise<Authenticated> {
  const principal = await authenticator.authenticate(credentials);
  // The authenticator accepted this header, so it parses (toAuthInfo drops API keys).
  return { principal, authInfo: toAuthInfo(principal, bearerToken(credentials, {}) ?? '') };
}
