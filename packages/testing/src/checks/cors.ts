/**
 * CORS. A browser-based client (an Inspector, a web agent) can only call the server if the
 * preflight allows every header MCP sends, and can only read `Mcp-Session-Id` (to keep its
 * session) and `WWW-Authenticate` (to find where to sign in) if they are exposed, on the 401
 * too. And no other origin may be allowed: any web page could drive the server otherwise.
 */
import type { CheckContext } from '../context.js';
import { Findings } from '../findings.js';
import { describeReply, type HttpReply } from '../http.js';
import type { Check } from './check.js';

/** Every request header an MCP client may send from a browser. */
export const MCP_REQUEST_HEADERS = [
  'content-type',
  'authorization',
  'mcp-protocol-version',
  'mcp-session-id',
  'last-event-id',
  'mcp-method',
  'mcp-name',
];

export const FOREIGN_ORIGIN = 'https://readiness-foreign.invalid';

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);
}

function preflight(context: CheckContext, origin: string): Promise<HttpReply> {
  // Browsers send preflights without credentials, whatever the request will carry.
  return context.send({
    url: context.options.url,
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': MCP_REQUEST_HEADERS.join(','),
    },
  });
}

function checkPreflight(
  context: CheckContext,
  findings: Findings,
  origin: string,
  reply: HttpReply,
) {
  const allowOrigin = reply.headers['access-control-allow-origin'];
  findings.expect(
    reply.status >= 200 && reply.status < 300 && (allowOrigin === origin || allowOrigin === '*'),
    `a preflight from ${origin} is allowed (HTTP ${reply.status})`,
    `a preflight from ${origin} should get 2xx with Access-Control-Allow-Origin: ${origin}, got ${describeReply(reply)} with ${allowOrigin ? `"${allowOrigin}"` : 'no Access-Control-Allow-Origin'}`,
  );
  const allowed = list(reply.headers['access-control-allow-headers']);
  // `*` covers every header but Authorization, which must be named (Fetch standard).
  const missing = MCP_REQUEST_HEADERS.filter(
    (name) => !allowed.includes(name) && !(allowed.includes('*') && name !== 'authorization'),
  );
  findings.expect(
    missing.length === 0,
    'Access-Control-Allow-Headers covers every MCP request header',
    `Access-Control-Allow-Headers should list ${missing.join(', ')} (got "${reply.headers['access-control-allow-headers'] ?? ''}"): browsers refuse to send them`,
  );
  if (context.profile.sessionId) {
    const methods = list(reply.headers['access-control-allow-methods']);
    findings.expect(
      methods.includes('delete') || methods.includes('*'),
      'Access-Control-Allow-Methods lets a browser end its session (DELETE)',
      `Access-Control-Allow-Methods should list DELETE on a session server, got "${reply.headers['access-control-allow-methods'] ?? ''}"`,
    );
  }
}

/** The headers an actual (non-preflight) answer needs for a browser to read it. */
function checkAnswer(
  findings: Findings,
  label: string,
  origin: string,
  reply: HttpReply,
  expose: string[],
) {
  const allowOrigin = reply.headers['access-control-allow-origin'];
  findings.expect(
    allowOrigin === origin || allowOrigin === '*',
    `${label} carries Access-Control-Allow-Origin`,
    `${label} (${describeReply(reply)}) should carry Access-Control-Allow-Origin: ${origin}, got ${allowOrigin ? `"${allowOrigin}"` : 'none'}`,
  );
  if (allowOrigin && allowOrigin !== '*') {
    findings.expect(
      list(reply.headers.vary).includes('origin'),
      `${label} varies on Origin`,
      `${label} names one origin but lacks Vary: Origin: a cache may serve it to another origin`,
    );
  }
  const exposed = list(reply.headers['access-control-expose-headers']);
  const missing = expose.filter((name) => !exposed.includes(name) && !exposed.includes('*'));
  if (expose.length > 0)
    findings.expect(
      missing.length === 0,
      `${label} exposes ${expose.join(', ')}`,
      `${label} should expose ${missing.join(', ')} (Access-Control-Expose-Headers: "${reply.headers['access-control-expose-headers'] ?? ''}"): browser clients cannot read them`,
    );
}

export const cors: Check = {
  id: 'cors',
  title: 'CORS lets an allowed browser origin call and read the MCP headers, and no other origin',
  async run(context) {
    const findings = new Findings();
    const foreign = await preflight(context, FOREIGN_ORIGIN);
    const foreignAllowed = foreign.headers['access-control-allow-origin'];
    findings.expect(
      !foreignAllowed,
      `a preflight from a foreign origin gets no Access-Control-Allow-Origin (HTTP ${foreign.status})`,
      `a preflight from ${FOREIGN_ORIGIN} should get no Access-Control-Allow-Origin, got "${foreignAllowed}": any web page can call this server`,
    );
    const origin = context.options.origin;
    if (!origin)
      return findings.notApplicable(
        'no allowed origin given (origin option, --origin): only checked that a foreign origin is not allowed',
      );

    checkPreflight(context, findings, origin, await preflight(context, origin));
    const { sessionId, authRequired } = context.profile;
    if (context.authorized(findings)) {
      const answer = await context.post(context.baseline(), { headers: { origin } });
      findings.expect(
        answer.status >= 200 && answer.status < 300,
        `a request from ${origin} is served`,
        `a request from ${origin} should be served, got ${describeReply(answer)}`,
      );
      checkAnswer(findings, 'the answer', origin, answer, sessionId ? ['mcp-session-id'] : []);
    }
    if (authRequired) {
      const challenge = await context.post(context.baseline(), {
        anonymous: true,
        headers: { origin },
      });
      checkAnswer(findings, 'the 401 answer', origin, challenge, ['www-authenticate']);
    }
    if (!sessionId) findings.note('no sessions: Mcp-Session-Id need not be exposed');
    if (!authRequired) findings.note('no authentication: WWW-Authenticate need not be exposed');
    return findings.outcome();
  },
};
