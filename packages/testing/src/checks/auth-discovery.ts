/** The OAuth discovery chain a client follows from a 401, link by link. */
import { buildDiscoveryUrls, checkResourceAllowed } from '@modelcontextprotocol/client';
import type { CheckContext } from '../context.js';
import type { Findings } from '../findings.js';
import { describeReply } from '../http.js';
import { isObject } from './check.js';

/** RFC 9728 §3.1: the well-known segment goes before the resource's path; then the root. */
export function wellKnownUrls(endpoint: URL): URL[] {
  const path = endpoint.pathname.replace(/\/+$/, '');
  const urls = [new URL(`/.well-known/oauth-protected-resource${path}`, endpoint)];
  if (path) urls.push(new URL('/.well-known/oauth-protected-resource', endpoint));
  return urls;
}

export async function fetchJson(
  context: CheckContext,
  urls: readonly URL[],
): Promise<{ url: URL; document: Record<string, unknown> } | { tried: string[] }> {
  const tried: string[] = [];
  for (const url of urls) {
    const reply = await context.send({ url, headers: { accept: 'application/json' } });
    try {
      const document: unknown = reply.status === 200 ? JSON.parse(reply.text) : undefined;
      if (isObject(document)) return { url, document };
    } catch {
      // not JSON: recorded below
    }
    tried.push(`${url.href} (${describeReply(reply)})`);
  }
  return { tried };
}

async function authorizationServer(context: CheckContext, findings: Findings, issuer: string) {
  const found = await fetchJson(
    context,
    buildDiscoveryUrls(issuer).map((entry) => entry.url),
  );
  if ('tried' in found) {
    findings.fail(
      `no authorization server metadata for ${issuer}: tried ${found.tried.join(', ')}`,
    );
    return;
  }
  const { url, document } = found;
  findings.ok(`authorization server metadata at ${url.href}`);
  findings.expect(
    document.issuer === issuer,
    `its issuer matches (${issuer})`,
    `the metadata at ${url.href} names issuer ${JSON.stringify(document.issuer)}, expected "${issuer}": clients refuse a mismatch (RFC 8414 §3.3)`,
  );
  findings.expect(
    typeof document.token_endpoint === 'string',
    'it names a token_endpoint',
    `the metadata at ${url.href} names no token_endpoint`,
  );
  const pkce = document.code_challenge_methods_supported;
  if (pkce === undefined) findings.note('code_challenge_methods_supported not published');
  else
    findings.expect(
      Array.isArray(pkce) && pkce.includes('S256'),
      'PKCE S256 is supported',
      `code_challenge_methods_supported should include S256, got ${JSON.stringify(pkce)}: MCP clients refuse to proceed`,
    );
}

/** Returns whether the server offers OAuth discovery at all. */
export async function discovery(
  context: CheckContext,
  findings: Findings,
  named: URL | undefined,
): Promise<boolean> {
  const endpoint = context.options.url;
  if (named) findings.ok(`WWW-Authenticate names resource_metadata ${named.href}`);
  const found = await fetchJson(context, named ? [named] : wellKnownUrls(endpoint));
  if ('tried' in found) {
    if (named)
      findings.fail(
        `resource_metadata should serve Protected Resource Metadata: tried ${found.tried.join(', ')}`,
      );
    return named !== undefined;
  }
  const { url, document } = found;
  if (!named) findings.note(`WWW-Authenticate names no resource_metadata; found it at ${url.href}`);
  findings.ok(`Protected Resource Metadata at ${url.href}`);
  const resource = document.resource;
  const matches =
    typeof resource === 'string' &&
    URL.canParse(resource) &&
    checkResourceAllowed({ requestedResource: endpoint, configuredResource: resource });
  findings.expect(
    matches,
    `its resource (${String(resource)}) names this endpoint`,
    `its resource should name this endpoint (${endpoint.href}), got ${JSON.stringify(resource)}: clients refuse metadata for another resource`,
  );
  const servers = document.authorization_servers;
  const first = Array.isArray(servers) ? servers[0] : undefined;
  if (
    findings.expect(
      typeof first === 'string' && URL.canParse(first),
      `it names an authorization server (${String(first)})`,
      `its authorization_servers should list at least one URL, got ${JSON.stringify(servers)}`,
    )
  )
    await authorizationServer(context, findings, first as string);
  return true;
}
