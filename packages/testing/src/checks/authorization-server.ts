/**
 * The authorization server a server names, from a host's point of view: a host that has only
 * the MCP URL needs RFC 8414 metadata at the issuer's well-known URL, PKCE with S256, and a way
 * to register itself (a Client ID Metadata Document, or Dynamic Client Registration), and the
 * registration must not accept a redirect that sends codes over plain HTTP to another machine.
 */
import { extractWWWAuthenticateParams } from '@modelcontextprotocol/client';
import type { CheckContext } from '../context.js';
import { Findings } from '../findings.js';
import { describeReply } from '../http.js';
import { fetchJson, wellKnownUrls } from './auth-discovery.js';
import type { Check } from './check.js';
import { isObject } from './check.js';

/** RFC 8414 §3.1: the well-known segment goes between the issuer's origin and its path. */
function metadataUrl(issuer: URL): URL {
  const path = issuer.pathname.replace(/\/+$/, '');
  return new URL(`/.well-known/oauth-authorization-server${path}`, issuer.origin);
}

/** The Protected Resource Metadata a 401 leads to, or why there is none. */
async function resourceMetadata(context: CheckContext): Promise<Record<string, unknown> | string> {
  const anonymous = await context.post(context.baseline(), { anonymous: true });
  if (anonymous.status !== 401)
    return `an anonymous request gets ${describeReply(anonymous)}, not 401: no OAuth to check`;
  const { resourceMetadataUrl } = extractWWWAuthenticateParams(
    new Response(null, {
      headers: { 'www-authenticate': anonymous.headers['www-authenticate'] ?? '' },
    }),
  );
  const found = await fetchJson(
    context,
    resourceMetadataUrl ? [resourceMetadataUrl] : wellKnownUrls(context.options.url),
  );
  if ('tried' in found)
    return 'no Protected Resource Metadata (the auth check follows the discovery chain)';
  return found.document;
}

async function registration(context: CheckContext, findings: Findings, endpoint: string) {
  const redirect = 'http://readiness-check.example/callback';
  const reply = await context.send({
    url: new URL(endpoint),
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      client_name: 'mcp-runway readiness check',
      redirect_uris: [redirect],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }),
  });
  let error: unknown;
  try {
    error = (JSON.parse(reply.text) as { error?: unknown }).error;
  } catch {
    // not JSON: reported below
  }
  if (reply.status === 429) {
    findings.fail(
      `registration answered 429 (its rate limit): cannot tell whether it refuses ${redirect}; run the check again later`,
    );
    return;
  }
  findings.expect(
    reply.status === 400 &&
      (error === 'invalid_redirect_uri' || error === 'invalid_client_metadata'),
    `registration refuses a plain-HTTP redirect off loopback (${String(error)})`,
    `registration should refuse ${redirect} with 400 invalid_redirect_uri (or invalid_client_metadata), got ${describeReply(reply)}${error ? ` ${String(error)}` : ''}: codes would travel unencrypted to any host`,
  );
}

export const authorizationServer: Check = {
  id: 'authorization-server',
  title:
    'its authorization server lets a host in with only the URL (RFC 8414 metadata, PKCE S256, CIMD or DCR, no plain-HTTP redirects)',
  async run(context) {
    const findings = new Findings();
    const prm = await resourceMetadata(context);
    if (typeof prm === 'string') return findings.notApplicable(prm);
    const servers = prm.authorization_servers;
    const issuer = Array.isArray(servers) ? servers[0] : undefined;
    if (typeof issuer !== 'string' || !URL.canParse(issuer)) {
      findings.fail(
        `the Protected Resource Metadata should list authorization_servers, got ${JSON.stringify(servers)}`,
      );
      return findings.outcome();
    }
    const url = metadataUrl(new URL(issuer));
    const reply = await context.send({ url, headers: { accept: 'application/json' } });
    let document: unknown;
    try {
      document = reply.status === 200 ? JSON.parse(reply.text) : undefined;
    } catch {
      // not JSON: reported below
    }
    if (
      !findings.expect(
        isObject(document),
        `RFC 8414 metadata at ${url.href}`,
        `${url.href} should serve the authorization server's metadata (RFC 8414), got ${describeReply(reply)}`,
      )
    )
      return findings.outcome();
    const metadata = document as Record<string, unknown>;
    findings.expect(
      metadata.issuer === issuer,
      `its issuer matches (${issuer})`,
      `its issuer should be "${issuer}", got ${JSON.stringify(metadata.issuer)}`,
    );

    const methods = metadata.code_challenge_methods_supported;
    findings.expect(
      Array.isArray(methods) && methods.includes('S256'),
      'PKCE S256 is advertised',
      `code_challenge_methods_supported should include S256, got ${JSON.stringify(methods)}: MCP clients refuse an authorization server without it${Array.isArray(methods) && methods.includes('plain') ? ' (plain alone sends the verifier in the clear)' : ''}`,
    );

    const cimd = metadata.client_id_metadata_document_supported === true;
    const dcr = typeof metadata.registration_endpoint === 'string';
    if (cimd) findings.ok('Client ID Metadata Documents are supported');
    if (dcr)
      findings.ok(`Dynamic Client Registration at ${String(metadata.registration_endpoint)}`);
    if (!cimd && !dcr) {
      if (context.options.preregisteredClients)
        findings.note(
          'neither CIMD nor DCR is advertised: hosts need a pre-registered client (preregisteredClients is set)',
        );
      else
        findings.fail(
          'neither client_id_metadata_document_supported nor a registration_endpoint is advertised: a host with only the URL cannot register (set preregisteredClients if your hosts are configured with a client id)',
        );
    }
    if (dcr) await registration(context, findings, metadata.registration_endpoint as string);
    return findings.outcome();
  },
};
