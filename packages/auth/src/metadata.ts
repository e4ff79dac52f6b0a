/** RFC 9728 OAuth 2.0 Protected Resource Metadata: how a client finds our authorization server. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported?: string[];
  bearer_methods_supported: ['header'];
  resource_name?: string;
  resource_documentation?: string;
}

export interface ProtectedResourceMetadataOptions {
  /** This server's canonical resource URI, e.g. `https://mcp.example.com/mcp`. */
  resource: string;
  /** Issuer identifiers of the authorization servers whose tokens we accept. */
  authorizationServers: readonly string[];
  scopesSupported?: readonly string[];
  resourceName?: string;
  resourceDocumentation?: string;
}

export interface PrmUrls {
  /** The path-aware document URL (RFC 9728 §3.1), advertised in `resource_metadata`. */
  url: string;
  /** Paths to serve the document at: the path-aware one and the root one some clients probe. */
  paths: readonly string[];
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource';
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Checks an http(s) URL and returns it without a trailing slash on its path. */
function parseHttpUrl(
  value: string,
  what: string,
): { origin: string; path: string; search: string } {
  const url = URL.parse(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new Error(`${what} must be an absolute http(s) URL, got "${value}"`);
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname))
    throw new Error(`${what} must use https (plain http is for loopback only), got "${value}"`);
  // Not echoed: the value holds a password.
  if (url.username || url.password) throw new Error(`${what} must not carry credentials`);
  if (url.hash) throw new Error(`${what} must not carry a fragment, got "${value}"`);
  return { origin: url.origin, path: url.pathname.replace(/\/+$/, ''), search: url.search };
}

/**
 * The one spelling of this server's resource URI: lowercase scheme and host, no fragment,
 * no trailing slash (MCP authorization, "Canonical Server URI"). It is both the PRM
 * `resource` and the only token audience we accept, so the two can never drift apart.
 */
export function canonicalResourceUri(value: string): string {
  const { origin, path, search } = parseHttpUrl(value, 'The resource URI');
  return `${origin}${path}${search}`;
}

/** Where the metadata document of a resource lives (the same URL the SDK derives). */
export function prmUrls(resourceUri: string): PrmUrls {
  const { origin, path } = parseHttpUrl(resourceUri, 'The resource URI');
  const pathAware = `${WELL_KNOWN}${path}`;
  return {
    url: `${origin}${pathAware}`,
    paths: path ? [pathAware, WELL_KNOWN] : [WELL_KNOWN],
  };
}

/** Builds (and checks, at startup) the document served at every path of `prmUrls`. */
export function protectedResourceMetadata(
  options: ProtectedResourceMetadataOptions,
): ProtectedResourceMetadata {
  if (options.authorizationServers.length === 0)
    throw new Error('Protected resource metadata needs at least one authorization server');
  for (const issuer of options.authorizationServers)
    parseHttpUrl(issuer, 'An authorization server');
  return {
    resource: canonicalResourceUri(options.resource),
    authorization_servers: [...options.authorizationServers],
    ...(options.scopesSupported?.length ? { scopes_supported: [...options.scopesSupported] } : {}),
    bearer_methods_supported: ['header'],
    ...(options.resourceName && { resource_name: options.resourceName }),
    ...(options.resourceDocumentation && { resource_documentation: options.resourceDocumentation }),
  };
}
