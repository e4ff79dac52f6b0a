/**
 * Revoking an access token by presenting it to `/oauth/revoke` (RFC 7009). oidc-provider keeps
 * no record of JWT access tokens, so it cannot revoke one; this server can, since each token's
 * `jti` is recorded as it is signed (liveness.ts): a valid access token of ours, presented by
 * the client it was issued to, loses its record and is refused from the next call on. Anything
 * else (refresh tokens, unknown tokens) goes on to oidc-provider, with the body it was sent.
 */
import { IncomingMessage, type ServerResponse } from 'node:http';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';

const BODY_LIMIT = 16 * 1024;

export interface AccessRevocationOptions {
  issuer: string;
  resource: string;
  jwks: JSONWebKeySet;
  /** Forgets the token's record (and any cached answer for it). */
  revoke(jti: string): Promise<void>;
}

/** A copy of `request` whose body is `body` again: oidc-provider reads it as it would have. */
function replay(request: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new IncomingMessage(request.socket);
  copy.method = request.method;
  copy.url = request.url;
  copy.headers = request.headers;
  copy.rawHeaders = request.rawHeaders;
  copy.httpVersion = request.httpVersion;
  copy.httpVersionMajor = request.httpVersionMajor;
  copy.httpVersionMinor = request.httpVersionMinor;
  // Complete, as the original is: an incomplete message destroys its socket when it closes.
  copy.complete = true;
  copy.push(body);
  copy.push(null);
  return copy;
}

function clientIdOf(request: IncomingMessage, form: URLSearchParams): string | undefined {
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString();
    const colon = decoded.indexOf(':');
    return decodeURIComponent(colon >= 0 ? decoded.slice(0, colon) : decoded);
  }
  return form.get('client_id') ?? undefined;
}

export function createAccessRevocation(options: AccessRevocationOptions) {
  const keys = createLocalJWKSet(options.jwks);
  /**
   * Handles the request when it revokes one of our access tokens; otherwise returns the request
   * to pass on (its body replayed), or undefined when it was answered (a body too large).
   */
  return async function revokeAccessToken(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<IncomingMessage | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > BODY_LIMIT) {
        response
          .writeHead(413, { 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(JSON.stringify({ error: 'invalid_request', error_description: 'body too large' }));
        return undefined;
      }
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    const form = new URLSearchParams(body.toString('utf8'));
    const token = form.get('token') ?? '';
    if (token.split('.').length !== 3) return replay(request, body);
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.resource,
      }));
    } catch {
      return replay(request, body); // not ours, or expired: oidc-provider answers as for any
    }
    const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' };
    if (claims.client_id !== clientIdOf(request, form)) {
      // RFC 7009 §2.1: a client may revoke only its own tokens.
      response.writeHead(400, headers).end(
        JSON.stringify({
          error: 'unauthorized_client',
          error_description: 'this token was not issued to this client',
        }),
      );
      return undefined;
    }
    if (typeof claims.jti === 'string') await options.revoke(claims.jti);
    response.writeHead(200, { 'cache-control': 'no-store' }).end();
    return undefined;
  };
}
