/**
 * Login delegated to the company identity provider (any OpenID Connect provider, found by
 * discovery) with openid-client: an authorization-code request with PKCE, state and nonce,
 * then the code exchanged on our callback and the person's claims read (ID token, then
 * user info). Upstream tokens stay here: they are never handed to MCP clients.
 */
import * as oidc from 'openid-client';

export interface UpstreamOptions {
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
  scopes: readonly string[];
  /** Where the provider sends the browser back: `<issuer>/oauth/callback`, on our origin. */
  redirectUri: string;
  /** Plain http:// to the provider (loopback development and tests only). */
  allowHttp?: boolean;
}

/** A login in flight, kept until the provider sends the browser back. */
export interface PendingLogin {
  authorizationUrl: URL;
  state: string;
  codeVerifier: string;
  nonce: string;
}

export interface UpstreamIdentity {
  /** The provider's subject: the account id, and the principal the tools see. */
  sub: string;
  /** ID token claims merged with user info (for OAUTH_SCOPE_MAP). */
  claims: Record<string, unknown>;
}

export interface Upstream {
  begin(): Promise<PendingLogin>;
  /** Exchanges the code in `callbackUrl`, checking state, nonce, PKCE and the issuer. */
  finish(callbackUrl: URL, pending: PendingLogin): Promise<UpstreamIdentity>;
}

export function createUpstream(options: UpstreamOptions): Upstream {
  // Discovered on first use and kept; a failed discovery is retried by the next login, so
  // the MCP server starts (and serves valid tokens) while the provider is down.
  let configuration: Promise<oidc.Configuration> | undefined;
  const configure = () => {
    configuration ??= oidc
      .discovery(
        new URL(options.issuer),
        options.clientId,
        undefined,
        options.clientSecret ? oidc.ClientSecretPost(options.clientSecret) : oidc.None(),
        options.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        configuration = undefined;
        throw error;
      });
    return configuration;
  };

  return {
    async begin() {
      const config = await configure();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const authorizationUrl = oidc.buildAuthorizationUrl(config, {
        redirect_uri: options.redirectUri,
        scope: options.scopes.join(' '),
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { authorizationUrl, state, codeVerifier, nonce };
    },
    async finish(callbackUrl, pending) {
      const config = await configure();
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims?.sub) throw new Error('the identity provider returned no subject');
      let claims: Record<string, unknown> = { ...idClaims };
      if (config.serverMetadata().userinfo_endpoint) {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        claims = { ...claims, ...info };
      }
      return { sub: idClaims.sub, claims };
    },
  };
}
