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
