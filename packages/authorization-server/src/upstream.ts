/**
 * Login delegated to the company identity provider with openid-client: any OpenID Connect
 * provider, found by discovery, or a plain OAuth 2.0 provider with a user-info endpoint
 * (GitHub's shape), given its endpoints. An authorization-code request with PKCE and state
 * (and a nonce for OpenID Connect), then the code exchanged on our callback and the person's
 * claims read (ID token, then user info). Upstream tokens stay here: they are never handed to
 * MCP clients.
 */
import * as oidc from 'openid-client';

/** A plain OAuth 2.0 provider: no discovery, no ID token; the person is read from user info. */
export interface OAuth2Endpoints {
  authorization: string;
  token: string;
  userinfo: string;
  /** The user-info member that identifies the person (GitHub: `id`). */
  subjectClaim: string;
}

export interface UpstreamOptions {
  /** The OpenID Connect issuer (discovery), or with `oauth2` an identifier of the provider. */
  issuer: string;
  /** Set for a plain OAuth 2.0 provider instead of OpenID Connect discovery. */
  oauth2?: OAuth2Endpoints | undefined;
  clientId: string;
  clientSecret?: string | undefined;
  scopes: readonly string[];
  /** Where the provider sends the browser back: `<issuer>/oauth/callback`, on our origin. */
  redirectUri: string;
  /** Plain http:// to the provider (loopback development and tests only). */
  allowHttp?: boolean;
}

/** A login in flight, kept (as JSON) until the provider sends the browser back. */
export interface PendingLogin {
  state: string;
  codeVerifier: string;
  nonce: string;
}

/** What the provider's token endpoint gave: kept encrypted (upstream-tokens.ts), never shown. */
export interface UpstreamTokens {
  accessToken: string;
  refreshToken?: string | undefined;
  /** Seconds since the epoch, when the provider said. */
  expiresAt?: number | undefined;
}

export interface UpstreamIdentity {
  /** The provider's subject: the account id, and the principal the tools see. */
  sub: string;
  /** ID token claims merged with user info (for OAUTH_SCOPE_MAP). */
  claims: Record<string, unknown>;
  tokens: UpstreamTokens;
}

export interface Upstream {
  begin(): Promise<{ authorizationUrl: URL; pending: PendingLogin }>;
  /** Exchanges the code in `callbackUrl`, checking state, nonce, PKCE and the issuer. */
  finish(callbackUrl: URL, pending: PendingLogin): Promise<UpstreamIdentity>;
  /** A refresh-token grant at the provider. */
  refresh(refreshToken: string): Promise<UpstreamTokens>;
  /** The provider's user-info endpoint, if it has one. */
  userinfoUrl(): Promise<string | undefined>;
  /** The origins of the provider's issuer, token and user-info endpoints. */
  origins(): Promise<ReadonlySet<string>>;
}

function tokensOf(answer: oidc.TokenEndpointResponse): UpstreamTokens {
  const expiresIn = answer.expires_in;
  return {
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token,
    expiresAt:
      typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : undefined,
  };
}

export function createUpstream(options: UpstreamOptions): Upstream {
  // Discovered on first use and kept; a failed discovery is retried by the next login, so
  // the MCP server starts (and serves valid tokens) while the provider is down.
  let configuration: Promise<oidc.Configuration> | undefined;
  const authentication = () =>
    options.clientSecret ? oidc.ClientSecretPost(options.clientSecret) : oidc.None();
  const { oauth2 } = options;
  const configure = () => {
    if (oauth2) {
      configuration ??= Promise.resolve().then(() => {
        const config = new oidc.Configuration(
          {
            issuer: options.issuer,
            authorization_endpoint: oauth2.authorization,
            token_endpoint: oauth2.token,
            userinfo_endpoint: oauth2.userinfo,
          },
          options.clientId,
          undefined,
          authentication(),
        );
        if (options.allowHttp) oidc.allowInsecureRequests(config);
        return config;
      });
      return configuration;
    }
    configuration ??= oidc
      .discovery(
        new URL(options.issuer),
        options.clientId,
        undefined,
        authentication(),
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
        ...(!oauth2 && { nonce }),
      });
      return { authorizationUrl, pending: { state, codeVerifier, nonce } };
    },
    async finish(callbackUrl, pending) {
      const config = await configure();
      if (oauth2) {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          idTokenExpected: false,
        });
        // Not fetchUserInfo: a plain OAuth 2.0 user info (GitHub's /user) has no `sub`.
        const answer = await oidc.fetchProtectedResource(
          config,
          tokens.access_token,
          new URL(oauth2.userinfo),
          'GET',
          undefined,
          new Headers({ accept: 'application/json' }),
        );
        if (!answer.ok) throw new Error(`the provider's user info answered ${answer.status}`);
        const claims = (await answer.json()) as Record<string, unknown>;
        const subject = claims[oauth2.subjectClaim];
        if ((typeof subject !== 'string' && typeof subject !== 'number') || subject === '')
          throw new Error(`the provider's user info has no ${oauth2.subjectClaim}`);
        return { sub: String(subject), claims, tokens: tokensOf(tokens) };
      }
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
      return { sub: idClaims.sub, claims, tokens: tokensOf(tokens) };
    },
    async refresh(refreshToken) {
      return tokensOf(await oidc.refreshTokenGrant(await configure(), refreshToken));
    },
    async userinfoUrl() {
      return (await configure()).serverMetadata().userinfo_endpoint;
    },
    async origins() {
      const metadata = (await configure()).serverMetadata();
      return new Set(
        [metadata.issuer, metadata.token_endpoint, metadata.userinfo_endpoint]
          .filter((url): url is string => typeof url === 'string')
          .map((url) => new URL(url).origin),
      );
    },
  };
}
