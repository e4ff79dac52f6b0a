/**
 * The consent page: who is asking (the client's name, the host of its client id and of the
 * redirect the code goes to), for which scopes, with a CSRF token bound to the interaction
 * and a strict Content-Security-Policy. An authorization server that skipped this step for
 * dynamically registered clients would be the confused deputy of the MCP security best
 * practices: any page could obtain a code for a user who once signed in.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface ConsentView {
  uid: string;
  clientName: string | undefined;
  clientId: string;
  redirectUri: string;
  /** Scopes the person may grant and that are asked for. */
  scopes: readonly string[];
  /** Asked for, but the person may not hold them (OAUTH_SCOPE_MAP). */
  refused: readonly string[];
  resourceName: string;
  csrf: string;
}

/** `<expiry seconds>.<HMAC(uid, expiry)>`: valid for one interaction, until it expires. */
export function consentToken(secret: Buffer, uid: string, expiresAt: number): string {
  return `${expiresAt}.${mac(secret, uid, expiresAt)}`;
}

export function checkConsentToken(
  secret: Buffer,
  uid: string,
  token: string | undefined,
  nowSeconds: number,
): 'ok' | 'expired' | 'invalid' {
  const [expiry, signature] = (token ?? '').split('.');
  const expiresAt = Number(expiry);
  if (!signature || !Number.isInteger(expiresAt)) return 'invalid';
  const expected = Buffer.from(mac(secret, uid, expiresAt));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return expiresAt < nowSeconds ? 'expired' : 'ok';
}

function mac(secret: Buffer, uid: string, expiresAt: number): string {
  return createHmac('sha256', secret).update(`consent\n${uid}\n${expiresAt}`).digest('base64url');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function hostOf(uri: string): string {
  const url = URL.parse(uri);
  if (!url) return uri;
  return url.host || `${url.protocol}${url.pathname}`;
}

/** Where the browser may go after posting the form: us, then the client's redirect. */
function formTargets(redirectUri: string): string {
  const url = URL.parse(redirectUri);
  if (!url) return "'self'";
  const target = url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
  return `'self' ${target}`;
}

/** The security headers of every page this server renders. */
export function pageHeaders(csp: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // Not no-referrer: under it browsers send `Origin: null` with the form, and the
    // Origin check in front of every route would refuse the consent.
    'referrer-policy': 'same-origin',
  };
}

export function renderConsent(view: ConsentView): {
  html: string;
  headers: Record<string, string>;
} {
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `form-action ${formTargets(view.redirectUri)}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  const name = view.clientName ?? hostOf(view.clientId);
  const items = (scopes: readonly string[]) =>
    scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Allow ${escapeHtml(name)}?</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{font-size:1rem;padding:.5rem 1rem;margin-right:.5rem}dt{font-weight:600}</style>
</head><body>
<h1>Allow <span id="client-name">${escapeHtml(name)}</span> to use ${escapeHtml(view.resourceName)}?</h1>
<dl>
<dt>Client</dt><dd id="client-id">${escapeHtml(hostOf(view.clientId))}</dd>
<dt>Sends you back to</dt><dd id="redirect-host">${escapeHtml(hostOf(view.redirectUri))}</dd>
</dl>
${view.scopes.length ? `<p>It asks to:</p><ul id="scopes">${items(view.scopes)}</ul>` : '<p>It asks for no permissions.</p>'}
${view.refused.length ? `<p>Not available to you, so not granted:</p><ul id="refused">${items(view.refused)}</ul>` : ''}
<form method="post" action="/oauth/interaction/${encodeURIComponent(view.uid)}/consent">
<input type="hidden" name="csrf" value="${escapeHtml(view.csrf)}">
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form>
</body></html>`;
  return { html, headers: pageHeaders(csp) };
}

/** A short error page (no client redirect is possible or safe). */
export function renderProblem(
  title: string,
  detail: string,
): { html: string; headers: Record<string, string> } {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p id="detail">${escapeHtml(detail)}</p></body></html>`;
  return {
    html,
    headers: pageHeaders(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    ),
  };
}
