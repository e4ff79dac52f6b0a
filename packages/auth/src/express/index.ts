/**
 * Express 5 adapters for the auth cores, the siblings of `../hono`. They only translate: read
 * headers and `res.locals`, call the core, store its result or throw its error for the app's
 * error handler to answer (status, JSON-RPC body and `WWW-Authenticate` come from the error).
 */
import type { AuditLog } from '@mcp-runway/logging';
import type { Request, RequestHandler, Response } from 'express';
import { auditAuthDecision } from '../audit.js';
import { authenticateRequest, type FailureLimit } from '../authenticate.js';
import type { Challenge } from '../challenge.js';
import type { ProtectedResourceMetadata } from '../metadata.js';
import type { Authenticator, AuthInfo, Principal } from '../principal.js';
import { checkToolScopes, type McpCall, type ToolScopePolicies } from '../tool-scopes.js';

/** What `authenticate` stores in `res.locals`; absent when the request was not authenticated. */
export type AuthLocals = {
  principal?: Principal | undefined;
  /** Pass it on to the SDK: `mcp.fetch(request, { authInfo: res.locals.authInfo })`. */
  authInfo?: AuthInfo | undefined;
};

/** The locals `requireToolScopes` reads: the principal, and the parsed message in `mcp`. */
export type ToolScopeLocals = AuthLocals & { mcp?: McpCall | undefined };

type Handler<L extends Record<string, unknown>> = RequestHandler<
  Request['params'],
  unknown,
  unknown,
  Request['query'],
  L
>;

export interface AuthenticateOptions<L extends Record<string, unknown>> {
  /**
   * Limit failed authentication per client: `key` says whose count a request is (the client
   * address, e.g. `clientKey({ remoteAddress: req.socket.remoteAddress, ... })`). Past the
   * limit the client gets the limit's 429 before its credential is looked at.
   */
  failures?: { limit: FailureLimit; key: (req: Request, res: Response<unknown, L>) => string };
}

/** Verifies the request's credentials; a refusal is thrown as a 400, 401, 429 or 503 error. */
export function authenticate<L extends AuthLocals = AuthLocals>(
  authenticator: Authenticator,
  options: AuthenticateOptions<L> = {},
): Handler<L> {
  const { failures } = options;
  return async (req, res, next) => {
    const credentials = { authorization: req.get('authorization'), apiKey: req.get('x-api-key') };
    const guard = failures && { limit: failures.limit, key: failures.key(req, res) };
    const { principal, authInfo } = await authenticateRequest(authenticator, credentials, guard);
    res.locals.principal = principal;
    res.locals.authInfo = authInfo;
    next();
  };
}

/**
 * One audit record per request to the MCP endpoint: its authentication decision, accepted or
 * refused with the reason. Mount it before `authenticate` (and the limits), so it sees every
 * refusal: it reads the response when the exchange closes, and the error the app's error
 * handler left in `res.locals.error`.
 */
export function auditAuth(audit: AuditLog): RequestHandler {
  return (req, res, next) => {
    if (audit.enabled) {
      res.once('close', () => {
        const locals = res.locals as ToolScopeLocals & { requestId?: unknown; error?: unknown };
        const challenge = res.getHeader('www-authenticate');
        const mcp = locals.mcp;
        auditAuthDecision(audit, {
          status: res.statusCode,
          challenge: typeof challenge === 'string' ? challenge : undefined,
          error: locals.error,
          principal: locals.principal,
          requestId: typeof locals.requestId === 'string' ? locals.requestId : undefined,
          tool: mcp?.method === 'tools/call' ? mcp.toolName : undefined,
          sessionId: req.get('mcp-session-id'),
        });
      });
    }
    next();
  };
}

/**
 * 403 `insufficient_scope` for a `tools/call` whose tool needs scopes the caller lacks. Mount
 * it after the body is parsed into `res.locals.mcp` and after `authenticate`.
 */
export function requireToolScopes<L extends ToolScopeLocals = ToolScopeLocals>(
  policies: ToolScopePolicies,
  challenge: Challenge,
): Handler<L> {
  return (_req, res, next) => {
    const error = checkToolScopes(policies, res.locals.mcp, res.locals.principal, challenge);
    if (error) throw error;
    next();
  };
}

/**
 * Serves the RFC 9728 document; mount it at every path of `prmUrls(resource).paths`. It is
 * public and identical for everyone, so any origin may read it and caches may keep it.
 */
export function protectedResourceMetadataHandler(
  metadata: ProtectedResourceMetadata,
): Handler<Record<string, unknown>> {
  const body = JSON.stringify(metadata);
  return (_req, res) => {
    res
      .status(200)
      .set({
        'Content-Type': 'application/json',
        'Cache-Control': 'public, max-age=3600',
        'Access-Control-Allow-Origin': '*',
      })
      .send(body);
  };
}
