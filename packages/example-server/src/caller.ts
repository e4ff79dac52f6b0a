import type { ServerContext } from '@modelcontextprotocol/server';

/** Who is calling, as far as the transport could verify. */
export interface Caller {
  /** Stable principal id: the token subject, the API key's principal, or `local` on stdio. */
  id: string;
  scopes: readonly string[];
  /** False on stdio (the local user who launched the process) and on anonymous HTTP. */
  authenticated: boolean;
}

const LOCAL: Caller = { id: 'local', scopes: [], authenticated: false };

/**
 * Reads the caller from the SDK's request context. The HTTP apps verify credentials and pass
 * the result as `authInfo`; the tools only ever see this summary, never the token itself.
 */
export function callerOf(ctx: Pick<ServerContext, 'http'>): Caller {
  const auth = ctx.http?.authInfo;
  if (!auth) return LOCAL;
  const subject = auth.extra?.sub;
  return {
    id: typeof subject === 'string' && subject ? subject : auth.clientId,
    scopes: auth.scopes,
    authenticated: true,
  };
}

/**
 * The caller's account at the company identity provider, when the app logs people in through
 * it (OAUTH_SERVER=builtin): the app puts this capability in `ctx.http.authInfo.extra.upstream`.
 * Their upstream tokens stay behind it (kept encrypted by the authorization server); a tool
 * only asks for a request to be made with them. Written out here, not imported: the server
 * does not depend on the authorization server.
 */
export interface UpstreamAccount {
  /** The provider's user-info endpoint, if it has one. */
  userinfoUrl(): Promise<string | undefined>;
  /** A current upstream access token, for an SDK that wants one. */
  token(): Promise<string>;
  /** `fetch` with the caller's upstream token, to the provider's own origins only. */
  fetch(url: string | URL, init?: RequestInit): Promise<Response>;
}

/** The caller's upstream account, or undefined (stdio, API keys, another authorization server). */
export function upstreamOf(ctx: Pick<ServerContext, 'http'>): UpstreamAccount | undefined {
  const candidate = ctx.http?.authInfo?.extra?.upstream as Partial<UpstreamAccount> | undefined;
  return typeof candidate?.fetch === 'function' &&
    typeof candidate.token === 'function' &&
    typeof candidate.userinfoUrl === 'function'
    ? (candidate as UpstreamAccount)
    : undefined;
}
