/** Who is calling, once verified. It never holds the credential itself. */
export interface Principal {
  /** Stable id: the token's `sub` (else its client id), or the API key's principal. */
  readonly id: string;
  /** The OAuth client that obtained the token (`client_id`, else `azp`); for an API key, its principal. */
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly kind: 'oauth' | 'apikey';
  /** When the token expires, in seconds since the epoch. API keys do not expire. */
  readonly expiresAt?: number;
  /** The resource (audience) the token was issued for: this server's canonical URI. */
  readonly resource?: string;
  /**
   * The person's account at the company identity provider, for tools that call its API on
   * their behalf: set by the built-in authorization server (OAUTH_SERVER=builtin) only.
   */
  readonly upstream?: UpstreamAccess;
}

/**
 * A capability bound to one signed-in person: their upstream (identity provider) tokens, kept
 * encrypted by the built-in authorization server, used without ever being shown. Tools reach
 * it as `ctx.http.authInfo.extra.upstream`; it never leaves the process (the MCP client never
 * sees an upstream token).
 */
export interface UpstreamAccess {
  /** The provider's user-info endpoint, when it has one: what `upstream_profile` reads. */
  userinfoUrl(): Promise<string | undefined>;
  /**
   * A current upstream access token (refreshed upstream when it has expired and a refresh
   * token was issued). Throws `UpstreamTokenUnavailableError` when there is none: the person
   * must sign in again.
   */
  token(): Promise<string>;
  /**
   * `fetch` with the person's upstream token as a Bearer credential, only to the provider's own
   * origins (its issuer, token and user-info endpoints); any other URL throws.
   */
  fetch(url: string | URL, init?: RequestInit): Promise<Response>;
}

/** No upstream token for this person (never stored, expired, or not refreshable). */
export class UpstreamTokenUnavailableError extends Error {
  override readonly name = 'UpstreamTokenUnavailableError';
}

/** The raw credential headers of one request, as the adapter found them. */
export interface Credentials {
  /** The `Authorization` header. */
  authorization?: string | undefined;
  /** The `X-API-Key` header. */
  apiKey?: string | undefined;
}

/**
 * Turns credentials into a principal. Implementations throw, never return a partial answer:
 * `UnauthorizedError` (401, with `WWW-Authenticate`) for missing or bad credentials,
 * `InvalidRequestError` (400) for a malformed `Authorization` header, and
 * `ServiceUnavailableError` (503) when the authorization server cannot be reached.
 */
export interface Authenticator {
  authenticate(credentials: Credentials): Promise<Principal>;
}

/**
 * The SDK's `AuthInfo`, written out so this package needs no runtime dependency on the SDK
 * (a test checks the two stay assignable). Handlers read it as `ctx.http.authInfo`.
 */
export interface AuthInfo {
  token: string;
  clientId: string;
  scopes: string[];
  expiresAt?: number;
  resource?: URL;
  extra?: Record<string, unknown>;
}

/**
 * What the app hands the SDK handler: `handler.fetch(request, { authInfo })`. An API key is a
 * long-lived secret, so it is never copied into tool-visible state: its `token` is empty.
 */
export function toAuthInfo(principal: Principal, token: string): AuthInfo {
  const info: AuthInfo = {
    token: principal.kind === 'oauth' ? token : '',
    clientId: principal.clientId,
    scopes: [...principal.scopes],
    extra: { sub: principal.id, kind: principal.kind },
  };
  if (principal.expiresAt !== undefined) info.expiresAt = principal.expiresAt;
  if (principal.resource !== undefined) info.resource = new URL(principal.resource);
  if (principal.upstream && info.extra) info.extra.upstream = principal.upstream;
  return info;
}
