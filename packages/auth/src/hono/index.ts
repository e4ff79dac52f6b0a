/**
 * Hono adapters for the auth cores. They only translate: read headers and context variables,
 * call the core, store its result or throw its error for the app's `onError` to answer
 * (status, JSON-RPC body and `WWW-Authenticate` come from the error).
 */
import type { AuditLog } from '@mcp-runway/logging';
import type { Context, MiddlewareHandler } from 'hono';
import { auditAuthDecision } from '../audit.js';
import { authenticateRequest, type FailureLimit } from '../authenticate.js';
import type { Challenge } from '../challenge.js';
import type { ProtectedResourceMetadata } from '../metadata.js';
import type { Authenticator, AuthInfo, Principal } from '../principal.js';
import { checkToolScopes, type McpCall, type ToolScopePolicies } from '../tool-scopes.js';

/** What `authenticate` stores for later middleware and the MCP route. */
export interface AuthVariables {
  principal: Principal;
  /** Pass it on: `mcp.fetch(c.req.raw, { authInfo: c.get('authInfo') })`. */
  authInfo: AuthInfo;
}
export type AuthEnv = { Variables: AuthVariables };

/** The variables `requireToolScopes` reads: the principal, and the parsed message in `mcp`. */
export type ToolScopeEnv = {
  Variables: { principal?: Principal | undefined; mcp?: McpCall | undefined };
};

export interface AuthenticateOptions {
  /**
   * Limit failed authentication per client: `key` says whose count a request is (the client
   * address, e.g. `clientKey({ remoteAddress, forwardedFor, trustProxy })`). Past the limit the
   * client gets the limit's 429 before its credential is looked at.
   */
  failures?: { limit: FailureLimit; key: (c: Context) => string };
}

/** Verifies the request's credentials; a refusal is thrown as a 400, 401, 429 or 503 error. */
export function authenticate(
  authenticator: Authenticator,
  options: AuthenticateOptions = {},
): MiddlewareHandler<AuthEnv> {
  const { failures } = options;
  return async (c, next) => {
    const credentials = {
      authorization: c.req.header('authorization'),
      apiKey: c.req.header('x-api-key'),
    };
    const guard = failures && { limit: failures.limit, key: failures.key(c) };
    const { principal, authInfo } = await authenticateRequest(authenticator, credentials, guard);
    c.set('principal', principal);
    c.set('authInfo', authInfo);
    await next();
  };
}

/** The variables `auditAuth` reads (all optional: it runs before they are set). */
export type AuditAuthEnv = {
  Variables: {
    principal?: Principal | undefined;
    requestId?: string | undefined;
    mcp?: McpCall | undefined;
  };
};

/**
 * One audit record per request to the MCP endpoint: its authentication decision, accepted or
 * refused with the reason. Mount it before `authenticate` (and the limits), so it sees every
 * refusal: it reads the finished response and the error the app's `onError` answered.
 */
export function auditAuth(audit: AuditLog): MiddlewareHandler<AuditAuthEnv> {
  return async (c, next) => {
    await next();
    if (!audit.enabled) return;
    const mcp = c.get('mcp');
    auditAuthDecision(audit, {
      status: c.res.status,
      challenge: c.res.headers.get('www-authenticate') ?? undefined,
      error: c.error,
      principal: c.get('principal'),
      requestId: c.get('requestId'),
      tool: mcp?.method === 'tools/call' ? mcp.toolName : undefined,
      sessionId: c.req.header('mcp-session-id'),
    });
  };
}

/**
 * 403 `insufficient_scope` for a `tools/call` whose tool needs scopes the caller lacks. Mount
 * it after the body is parsed into `c.get('mcp')` and after `authenticate`.
 */
export function requireToolScopes(
  policies: ToolScopePolicies,
  challenge: Challenge,
): MiddlewareHandler<ToolScopeEnv> {
  return async (c, next) => {
    const error = checkToolScopes(policies, c.get('mcp'), c.get('principal'), challenge);
    if (error) throw error;
    await next();
  };
}

/**
 * Serves the RFC 9728 document; mount it at every path of `prmUrls(resource).paths`. It is
 * public and identical for everyone, so any origin may read it and caches may keep it.
 */
export function protectedResourceMetadataHandler(
  metadata: ProtectedResourceMetadata,
): (c: Context) => Response {
  const body = JSON.stringify(metadata);
  return (c) =>
    c.body(body, 200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'public, max-age=3600',
      'Access-Control-Allow-Origin': '*',
    });
}
