/**
 * Authorization. A client that gets 401 must find, on its own, where to sign in:
 * `WWW-Authenticate: Bearer resource_metadata="…"` → Protected Resource Metadata (RFC 9728)
 * naming this endpoint and its authorization servers → the authorization server's metadata
 * (RFC 8414 / OpenID discovery) with an issuer that matches. One wrong link (a proxy rewriting
 * the resource URL, a trailing slash on the issuer) and no client can connect. Also: a bad
 * token gets 401, nothing secret leaks, and the given credentials are accepted.
 */
import { randomUUID } from 'node:crypto';
import { extractWWWAuthenticateParams } from '@modelcontextprotocol/client';
import type { CheckContext } from '../context.js';
import { Findings } from '../findings.js';
import { describeReply, type HttpReply } from '../http.js';
import { secretsOf } from '../redact.js';
import { discovery } from './auth-discovery.js';
import type { Check } from './check.js';

const ok = (reply: HttpReply) => reply.status >= 200 && reply.status < 300;

/** A stack trace, a file path or a credential in an error answer helps attackers only. */
function leak(reply: HttpReply, secrets: readonly string[]): string | undefined {
  const text = `${JSON.stringify(reply.headers)}\n${reply.text}`;
  if (/(\\n|\n)\s+at .+:\d+:\d+/.test(text)) return 'a stack trace';
  if (/node_modules|file:\/\/\//.test(text)) return 'a file path';
  if (secrets.some((secret) => text.includes(secret))) return 'a credential';
  return undefined;
}

function checkLeaks(findings: Findings, label: string, reply: HttpReply, secrets: string[]) {
  const found = leak(reply, secrets);
  findings.expect(
    found === undefined,
    `${label} leaks nothing (no stack trace, path or credential)`,
    `${label} contains ${found}`,
  );
}

async function credentials(context: CheckContext, findings: Findings): Promise<void> {
  if (Object.keys(context.options.headers).length === 0) {
    findings.fail(
      'no credentials given (headers, --header): cannot check that an authorized request is served',
    );
    return;
  }
  const reply = await context.post(context.baseline());
  findings.expect(
    ok(reply),
    'with the given credentials the same request is served',
    `with the given credentials the request should be served, got ${describeReply(reply)}`,
  );
}

export const auth: Check = {
  id: 'auth',
  title: 'a 401 leads a client to the authorization server (WWW-Authenticate, PRM, AS metadata)',
  async run(context) {
    const findings = new Findings();
    const given = Object.keys(context.options.headers).length > 0;
    const anonymous = await context.post(context.baseline(), { anonymous: true });
    if (ok(anonymous)) {
      if (!given)
        return findings.notApplicable(
          `the server serves anonymous requests (${describeReply(anonymous)}): fine on loopback; a server others can reach should require credentials`,
        );
      findings.fail(
        `credentials were given, yet an anonymous request is served (${describeReply(anonymous)}): is authentication on the MCP endpoint?`,
      );
      return findings.outcome();
    }
    if (
      !findings.expect(
        anonymous.status === 401,
        'an anonymous request gets 401',
        `an anonymous request should get 401, got ${describeReply(anonymous)}`,
      )
    )
      return findings.outcome();

    const challenge = anonymous.headers['www-authenticate'] ?? '';
    findings.expect(
      /^\s*(bearer|dpop)\b/i.test(challenge),
      `the 401 carries WWW-Authenticate: ${challenge.split(/\s/)[0]}`,
      `the 401 should carry WWW-Authenticate: Bearer …, got ${challenge ? JSON.stringify(challenge) : 'none'}`,
    );
    const secrets = secretsOf(context.options.headers);
    checkLeaks(findings, 'the 401', anonymous, secrets);

    const bogus = `readiness-invalid-${randomUUID()}`;
    const invalid = await context.post(context.baseline(), {
      anonymous: true,
      headers: { authorization: `Bearer ${bogus}` },
    });
    findings.expect(
      invalid.status === 401,
      'an invalid bearer token gets 401',
      `an invalid bearer token should get 401, got ${describeReply(invalid)}`,
    );
    checkLeaks(findings, 'the answer to an invalid token', invalid, [...secrets, bogus]);
    await credentials(context, findings);

    const { resourceMetadataUrl } = extractWWWAuthenticateParams(
      new Response(null, { headers: { 'www-authenticate': challenge } }),
    );
    const offered = await discovery(context, findings, resourceMetadataUrl);
    if (offered) return findings.outcome();
    const reason =
      '401 without OAuth discovery (no resource_metadata in WWW-Authenticate, no metadata at the well-known URLs): API keys or similar; MCP clients cannot sign in on their own';
    if (context.options.requireOAuth) findings.fail(`${reason} (requireOAuth is set)`);
    return findings.notApplicable(reason);
  },
};
