/**
 * An issuer whose keys the test holds: it serves a JWKS on loopback (counting requests) and
 * signs whatever claims a test needs, including ones no real server would issue (expired,
 * wrong `iss`, no `exp`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';

export interface KeyIssuer {
  issuer: string;
  jwksUrl: string;
  /** GET requests the JWKS endpoint has served. */
  jwksRequests(): number;
  /** Adds a signing key and publishes it in the JWKS (key rotation). */
  addKey(kid: string): Promise<void>;
  /** Signs with the key `kid`; unpublished kids sign with a key the JWKS never lists. */
  sign(claims: JWTPayload, kid: string): Promise<string>;
  close(): Promise<void>;
}

export async function startKeyIssuer(issuer = 'https://issuer.test'): Promise<KeyIssuer> {
  const keys = new Map<string, { privateKey: CryptoKey; jwk: JWK }>();
  const published: JWK[] = [];
  let requests = 0;
  const server = createServer((_request, response) => {
    requests += 1;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  async function keyFor(kid: string) {
    let key = keys.get(kid);
    if (!key) {
      const pair = await generateKeyPair('ES256', { extractable: true });
      key = {
        privateKey: pair.privateKey,
        jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' },
      };
      keys.set(kid, key);
    }
    return key;
  }

  return {
    issuer,
    jwksUrl: `http://127.0.0.1:${port}/jwks`,
    jwksRequests: () => requests,
    async addKey(kid) {
      published.push((await keyFor(kid)).jwk);
    },
    async sign(claims, kid) {
      const { privateKey } = await keyFor(kid);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
        .sign(privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
