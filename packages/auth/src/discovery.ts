/** The parts of an authorization server's metadata (RFC 8414 / OpenID Discovery) we use. */
export interface IssuerMetadata {
  issuer: string;
  jwks_uri?: string;
  introspection_endpoint?: string;
  scopes_supported?: string[];
}

/** RFC 8414 §3.1 inserts the well-known segment before the issuer's path; OpenID appends it. */
function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

/**
 * Reads the issuer's metadata once, at startup, to find `jwks_uri` (and the introspection
 * endpoint) when they are not configured. The document must name the same issuer it was
 * fetched for (RFC 8414 §3.3), so a misdirected URL fails here instead of at the first token.
 */
export async function discoverIssuerMetadata(
  issuer: string,
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<IssuerMetadata> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const tried: string[] = [];
  for (const url of metadataUrls(issuer)) {
    const response = await doFetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
    if (!response.ok) {
      await response.body?.cancel();
      tried.push(`${url} (HTTP ${response.status})`);
      continue;
    }
    const metadata = (await response.json()) as IssuerMetadata;
    if (metadata.issuer !== issuer)
      throw new Error(`The metadata at ${url} names issuer "${metadata.issuer}", not "${issuer}"`);
    return metadata;
  }
  throw new Error(`No authorization server metadata for ${issuer}; tried ${tried.join(', ')}`);
}
