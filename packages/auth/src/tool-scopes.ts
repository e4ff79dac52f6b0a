import type { RunwayError } from '@mcp-runway/errors';
import { type Challenge, checkScopes, unauthorized } from './challenge.js';
import type { Principal } from './principal.js';

/**
 * Scopes each tool needs, keyed by tool name. The app passes the server's own table (the
 * example server's `toolPolicies` fits as is), so auth never imports a domain package.
 */
export type ToolScopePolicies = Readonly<Record<string, { readonly scopes: readonly string[] }>>;

/** The part of a parsed MCP message the scope check reads (the pipeline's `McpPost` fits). */
export interface McpCall {
  method: string | undefined;
  toolName: string | undefined;
}

/** The scopes one message needs: a listed tool's scopes for `tools/call`, nothing otherwise. */
export function requiredScopes(
  policies: ToolScopePolicies,
  call: McpCall | undefined,
): readonly string[] {
  if (call?.method !== 'tools/call' || call.toolName === undefined) return [];
  // An unlisted tool needs nothing here; the SDK answers an unknown tool itself.
  return Object.hasOwn(policies, call.toolName) ? (policies[call.toolName]?.scopes ?? []) : [];
}

/**
 * The step-up check in front of the SDK: 403 `insufficient_scope` when the caller lacks a
 * tool's scopes. With no principal (authentication was not mounted before it) it fails
 * closed with a 401 rather than letting the call through.
 */
export function checkToolScopes(
  policies: ToolScopePolicies,
  call: McpCall | undefined,
  principal: Principal | undefined,
  challenge: Challenge,
): RunwayError | undefined {
  const required = requiredScopes(policies, call);
  if (required.length === 0) return undefined;
  if (!principal) return unauthorized(challenge);
  return checkScopes(principal, required, challenge);
}
