import { ForbiddenError } from '@mcp-runway/errors';
import { hostAllowed, originAllowed } from './origins.js';

export interface HostOriginPolicy {
  /** Host names (or host:port) this server answers to. Empty disables the Host check. */
  allowedHosts: readonly string[];
  /** Origins allowed to call; a request with any other Origin header is refused. */
  allowedOrigins: readonly string[];
  /** Paths never checked: probes arrive with a pod IP as Host. @default ['/health', '/ready'] */
  exemptPaths?: readonly string[];
}

export interface HostOriginRequest {
  path: string;
  host: string | null | undefined;
  origin: string | null | undefined;
}

const DEFAULT_EXEMPT = ['/health', '/ready'];

/**
 * DNS-rebinding protection. A web page on an attacker's domain can make a browser send
 * requests to a server on localhost or in a private network; checking Host (the name the
 * browser thinks it talks to) and Origin (the page that sent it) stops that. Returns the
 * error to answer with (403), or undefined when the request may pass.
 */
export function checkHostOrigin(
  request: HostOriginRequest,
  policy: HostOriginPolicy,
): ForbiddenError | undefined {
  if ((policy.exemptPaths ?? DEFAULT_EXEMPT).includes(request.path)) return undefined;
  if (policy.allowedHosts.length > 0 && !hostAllowed(request.host, policy.allowedHosts)) {
    return new ForbiddenError('Forbidden: Host header not allowed');
  }
  if (request.origin && !originAllowed(request.origin, policy.allowedOrigins)) {
    return new ForbiddenError('Forbidden: Origin not allowed');
  }
  return undefined;
}
