/**
 * A real OAuth 2.1 authorization server on loopback (oidc-provider), configured the way an
 * MCP deployment needs one: the client_credentials grant, resource indicators (RFC 8707) so
 * each access token's `aud` is the resource it was asked for, JWT or opaque tokens per
 * resource, and introspection (RFC 7662) for the opaque ones.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { errors, Provider } from 'oidc-provider';

export interface TestClient {
  clientId: string;
  clientSecret: string;
  /** What the client is registered for; the server refuses to grant anything else. */
  scopes: readonly string[];
}

export interface TestAuthorizationServerOptions {
  /** Resource indicator -> the format of tokens minted for it. */
  resources: Readonly<Record<string, 'jwt' | 'opaque'>>;
  /** Every scope a resource offers. */
  scopes: readonly string[];
  clients: readonly TestClient[];
  /** A client allowed to introspect tokens (the resource server's own registration). */
  introspector?: { clientId: string; clientSecret: string };
  accessTokenTtlSeconds?: number;
}

export interface TestAuthorizationServer {
  issuer: string;
  jwksUrl: string;
  introspectionUrl: string;
  /** Requests per path (`/jwks`, `/token`, `/token/introspection`...). */
  requests: Map<string, number>;
  /** Runs the client_credentials grant directly, as a client library would. */
  token(client: TestClient, params: { resource: string; scope?: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startAuthorizationServer(
  options: TestAuthorizationServerOptions,
): Promise<TestAuthorizationServer> {
  const requests = new Map<string, number>();
  // The issuer URL names the port, so the server listens before the provider exists.
  let handle: RequestListener | undefined;
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    requests.set(path, (requests.get(path) ?? 0) + 1);
    handle?.(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = {
    ...(await exportJWK(privateKey)),
    kid: 'as-key-1',
    alg: 'RS256',
    use: 'sig',
  };
  const ttl = options.accessTokenTtlSeconds ?? 300;
  const introspector = options.introspector;

  const provider = new Provider(issuer, {
    clients: [
      ...options.clients.map((client) => ({
        client_id: client.clientId,
        client_secret: client.clientSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: client.scopes.join(' '),
      })),
      ...(introspector
        ? [
            {
              client_id: introspector.clientId,
              client_secret: introspector.clientSecret,
              grant_types: [],
              response_types: [],
              redirect_uris: [],
            },
          ]
        : []),
    ],
    jwks: { keys: [signingKey] },
    // Listing the scopes makes the server enforce each client's registered `scope`.
    scopes: ['openid', ...options.scopes],
    cookies: { keys: ['test-only-cookie-key'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, client: { clientId: string }) =>
          client.clientId === introspector?.clientId,
      },
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo: async (_ctx: unknown, indicator: string) => {
          const format = options.resources[indicator];
          if (!format) throw new errors.InvalidTarget();
          return {
            scope: options.scopes.join(' '),
            accessTokenFormat: format,
            accessTokenTTL: ttl,
            ...(format === 'jwt' && { jwt: { sign: { alg: 'RS256' } } }),
          };
        },
      },
    },
    ttl: {
      ClientCredentials: (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) =>
        token.resourceServer?.accessTokenTTL ?? ttl,
    },
  });
  handle = provider.callback();

  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    introspectionUrl: `${issuer}/token/introspection`,
    requests,
    async token(client, params) {
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        resource: params.resource,
      });
      if (params.scope) body.set('scope', params.scope);
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body,
      });
      const answer = (await response.json()) as { access_token?: string; error?: string };
      if (!answer.access_token) throw new Error(`token request failed: ${answer.error}`);
      return answer.access_token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
