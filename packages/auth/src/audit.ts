/**
 * The authentication decision of a request to the MCP endpoint, as one audit record: accepted
 * (a verified caller got past authentication, scopes and limits) or refused, with the reason
 * (401 `missing_credentials` / `invalid_token` / `invalid_request`, 403 `insufficient_scope`,
 * 429 `rate_limited` with the limit that refused). Framework-neutral: the Hono and Express
 * adapters read the finished response and call {@link auditAuthDecision}. Only ids and hashes
 * go in, never a credential.
 */
import { type AuditLog, hashSessionId } from '@mcp-runway/logging';
import type { Principal } from './principal.js';

export interface AuthDecisionFacts {
  /** The response's status. */
  status: number;
  /** The response's `WWW-Authenticate` header, if any. */
  challenge?: string | undefined;
  /** The error that refused the request, if any (a 429's `limit` names the limit). */
  error?: unknown;
  /** The verified caller, if authentication succeeded. */
  principal?: Principal | undefined;
  requestId?: string | undefined;
  /** The tool a `tools/call` asked for. */
  tool?: string | undefined;
  /** The 2025 session id (`Mcp-Session-Id`); hashed before it is written. */
  sessionId?: string | undefined;
}

const BEARER_ERROR = /\berror="([a-z_]+)"/;

/** Why the response refused the request, or undefined when it was not an admission refusal. */
export function refusalReason(facts: AuthDecisionFacts): string | undefined {
  const { status, challenge } = facts;
  if (status === 429) {
    const limit = (facts.error as { limit?: unknown } | null | undefined)?.limit;
    return typeof limit === 'string' ? `rate_limited:${limit}` : 'rate_limited';
  }
  if ((status === 400 || status === 401 || status === 403) && challenge?.match(/^bearer\b/i)) {
    return BEARER_ERROR.exec(challenge)?.[1] ?? 'missing_credentials';
  }
  return undefined;
}

/**
 * Writes the request's authentication decision: refused (with its reason) when the response
 * is an auth or limit refusal, accepted when a verified caller's request got past them, and
 * nothing for a request that never met authentication (an open endpoint).
 */
export function auditAuthDecision(audit: AuditLog, facts: AuthDecisionFacts): void {
  if (!audit.enabled) return;
  const reason = refusalReason(facts);
  const { principal } = facts;
  if (reason === undefined && principal === undefined) return;
  audit.auth({
    outcome: reason === undefined ? 'accepted' : 'refused',
    reason,
    status: reason === undefined ? undefined : facts.status,
    principal: principal?.id,
    clientId: principal?.clientId,
    tool: facts.tool,
    requestId: facts.requestId,
    sessionHash: facts.sessionId ? hashSessionId(facts.sessionId) : undefined,
  });
}
