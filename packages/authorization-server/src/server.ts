/**
 * The authorization server: oidc-provider configured for MCP clients (authorization code
 * with PKCE S256 only, exact redirect URIs, refresh tokens rotated, revocation, resource
 * indicators with short-lived JWT access tokens for the one MCP resource, CIMD, DCR and
 * pre-registered clients), the login and consent pages, and one Node request handler that
 * serves it all under the MCP server's origin: `/oauth/*` and the two metadata documents.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UpstreamAccess } from '@mcp-runway/auth';
import type { Logger } from '@mcp-runway/logging';
import type { RateLimiter } from '@mcp-runway/rate-limit';
import type { JSONWebKeySet } from 'jose';
import { type Client, errors, type KoaContextWithOIDC, Provider } from 'oidc-provider';
import { createAccessRevocation } from './access-revocation.js';
import { renderProblem } from './consent.js';
import { consentKey, createInteractions } from './interactions.js';
import { deriveSecret, publicKeySet, type SigningKeys } from './keys.js';
import { createTokenLiveness } from './liveness.js';
import { fetchLoopbackClient, isLoopbackClientId } from './loopback-cimd.js';
import { createMemoryStore } from './memory-store.js';
import { publicHost } from './public-host.js';
import type { ScopeMap } from './scope-map.js';
import type { StateStore } from './store.js';
import { createUpstream, type UpstreamOptions } from './upstream.js';
import { createUpstreamTokenStore, parseEncryptionKeys } from './upstream-tokens.js';

export interface AuthorizationServerOptions {
  /** The issuer: this server's origin, e.g. `https://mcp.example.com`. */
  issuer: string;
  /** The MCP endpoint's canonical URI: the only resource, the `aud` of every access token. */
  resource: string;
  /** Shown on the consent page. */
  resourceName: string;
  /** The resource's scopes (its tools' scopes and the base scopes). */
  scopes: readonly string[];
  /**
   * What an authorization request without `scope` asks for (OAUTH_SCOPES, what the 401
   * challenge names); with none, `openid`: a token that names the person and no tool scope.
   */
  defaultScopes?: readonly string[];
  signingKeys: SigningKeys;
  /**
   * OAUTH_ENCRYPTION_KEY: one secret, or comma-separated `kid:secret` entries (the first seals
   * upstream tokens and signs cookies, every one opens and verifies). Cookie keys, consent
   * tokens and the upstream-token key derive from it.
   */
  encryptionKey: string;
  upstream: Omit<UpstreamOptions, 'redirectUri'>;
  scopeMap?: ScopeMap | undefined;
  /** Pre-registered clients (RFC 7591 metadata). */
  clients?: readonly Record<string, unknown>[];
  registration: {
    dcr: boolean;
    clientIdleTtlSeconds: number;
    cimd: boolean;
    /** Accept `http://localhost` / `http://127.0.0.1` client metadata documents (development). */
    loopbackCimd: boolean;
  };
  ttl: { accessTokenSeconds: number; refreshTokenSeconds: number };
  /**
   * How long this process reuses a "not revoked" answer for an access token (milliseconds;
   * OAUTH_REVOCATION_CACHE_MS). 0: the store is asked on every call. @default 1000
   */
  revocationCacheMs?: number;
  /**
   * Dynamic registrations one client may make per window (429 beyond): `clientKey` names the
   * client, as the rate limits do (its address, through trusted proxies).
   */
  registrationLimit?: {
    limit: number;
    windowSeconds: number;
    clientKey(request: IncomingMessage): string;
  };
  /**
   * Requests per client address per window at the browser's authorization endpoint (each
   * opens an interaction held for ten minutes: an HTML 429 page beyond) and at the token and
   * revocation endpoints (brute force: 429 JSON, `temporarily_unavailable`), both with
   * Retry-After. `clientKey` names the client as the rate limits do.
   */
  endpointLimits?: {
    authorize: RateLimiter;
    token: RateLimiter;
    clientKey(request: IncomingMessage): string;
  };
  /**
   * Where state is kept. @default this process's memory (`createMemoryStore`); several
   * replicas need `createRedisStore`, and the same OAUTH_ENCRYPTION_KEY and signing keys.
   */
  store?: StateStore | undefined;
  /** Believe X-Forwarded-Proto/Host from a proxy in front (TRUST_PROXY set). */
  trustProxy?: boolean;
  logger: Logger;
  /** The consent token clock (tests move it). @default Date.now */
  now?: () => number;
}

export interface AuthorizationServer {
  issuer: string;
  /** The public signing keys: the resource server verifies access tokens with them. */
  jwks: JSONWebKeySet;
  /** Whether `handle` serves this path. */
  handles(path: string): boolean;
  /**
   * Whether a verified access token's grant is still alive: false once it was revoked (its
   * refresh token or grant), on any replica sharing the store. Throws when the store cannot
   * answer. The resource server asks it on every call (`BuiltinIssuer.isTokenActive`).
   */
  isTokenActive(claims: Readonly<Record<string, unknown>>): Promise<boolean>;
  /** The person's upstream account for tools (their tokens, kept encrypted, never shown). */
  upstreamFor(subject: string): UpstreamAccess;
  /** Serves one request for a path `handles` accepts. */
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  close(): void;
}

const PREFIX = '/oauth/';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const METADATA_PATHS = [
  '/.well-known/oauth-authorization-server',
  '/.well-known/openid-configuration',
];

export function createAuthorizationServer(
  options: AuthorizationServerOptions,
): AuthorizationServer {
  const { issuer, resource, logger } = options;
  const now = options.now ?? Date.now;
  const store =
    options.store ??
    createMemoryStore({ clientIdleTtlSeconds: options.registration.clientIdleTtlSeconds });
  const resourceScope = options.scopes.join(' ');
  const encryptionKeys = parseEncryptionKeys(options.encryptionKey);
  const firstSecret = (encryptionKeys[0] as { secret: string }).secret;
  const liveness = createTokenLiveness({
    store,
    cacheMs: options.revocationCacheMs ?? 1000,
  });

  const provider = new Provider(issuer, {
    adapter: (model: string) => store.adapterFor(model),
    clients: options.clients ?? [],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      id_token_signed_response_alg: options.signingKeys.alg,
    },
    jwks: { keys: options.signingKeys.keys },
    cookies: {
      keys: encryptionKeys.map((key) => deriveSecret(key.secret, 'cookies').toString('base64url')),
    },
    scopes: ['openid', ...options.scopes],
    claims: { openid: ['sub'] },
    responseTypes: ['code'],
    // OAuth 2.1: a redirect URI is https, loopback http (RFC 8252) or an app's own scheme;
    // oidc-provider accepts http:// anywhere for web clients. Checked for every client (DCR,
    // CIMD, configured), through the one hook that sees the whole metadata.
    extraClientMetadata: {
      properties: ['software_id'],
      validator(_ctx: unknown, key: string, _value: unknown, metadata: Record<string, unknown>) {
        if (key !== 'software_id') return;
        const uris = Array.isArray(metadata.redirect_uris) ? metadata.redirect_uris : [];
        for (const uri of uris) {
          const parsed = typeof uri === 'string' ? URL.parse(uri) : null;
          if (parsed?.protocol === 'http:' && !LOOPBACK_HOSTS.has(parsed.hostname))
            throw new errors.InvalidRedirectUri(
              'redirect_uris must use https, or http only on a loopback address',
            );
        }
      },
    },
    // Exact redirect URI matching: the request must name one (loopback ports may vary, RFC 8252).
    allowOmittingSingleRegisteredRedirectUri: false,
    pkce: { required: () => true }, // oidc-provider 9 accepts S256 only
    async findAccount(_ctx: unknown, sub: string) {
      return { accountId: sub, claims: async () => ({ sub }) };
    },
    // Consent is remembered per person and client, across browser sessions.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { client, session, result } = ctx.oidc;
      if (!client || !session) return undefined;
      const grantId =
        result?.consent?.grantId ??
        session.grantIdFor(client.clientId) ??
        (session.accountId
          ? await store.get<string>('consent', consentKey(session.accountId, client.clientId))
          : undefined);
      return grantId ? provider.Grant.find(grantId) : undefined;
    },
    issueRefreshToken: async (_ctx: unknown, client: Client) =>
      client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: () => true,
    ttl: {
      AccessToken: options.ttl.accessTokenSeconds,
      AuthorizationCode: 60,
      Interaction: 600,
      Grant: options.ttl.refreshTokenSeconds,
      RefreshToken: options.ttl.refreshTokenSeconds,
      Session: options.ttl.refreshTokenSeconds,
      IdToken: 600,
    },
    formats: {
      customizers: {
        // Every access token is recorded under its grant as it is signed: the resource server
        // accepts it only while both exist (see liveness.ts).
        jwt: async (
          _ctx: unknown,
          token: { grantId?: string },
          structured: { payload: { jti?: string; exp?: number } },
        ) => {
          const { jti, exp } = structured.payload;
          if (!token.grantId || !jti || !exp)
            throw new Error('an access token without a grant, jti or exp');
          await liveness.issued(jti, token.grantId, exp);
        },
      },
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) =>
        `${PREFIX}interaction/${interaction.uid}`,
    },
    routes: {
      authorization: `${PREFIX}authorize`,
      token: `${PREFIX}token`,
      jwks: `${PREFIX}jwks`,
      registration: `${PREFIX}register`,
      revocation: `${PREFIX}revoke`,
      userinfo: `${PREFIX}userinfo`,
      end_session: `${PREFIX}logout`,
      introspection: `${PREFIX}introspect`,
      pushed_authorization_request: `${PREFIX}par`,
      code_verification: `${PREFIX}device`,
      device_authorization: `${PREFIX}device/auth`,
      backchannel_authentication: `${PREFIX}backchannel`,
      challenge: `${PREFIX}challenge`,
      credential: `${PREFIX}credential`,
    },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: false },
      revocation: { enabled: true },
      registration: { enabled: options.registration.dcr },
      clientIdMetadataDocument: {
        enabled: options.registration.cimd,
        ack: 'draft-02',
        // Resolved before any connection: a document host on a private, loopback or other
        // special-use address is refused outright (oidc-provider also checks the socket).
        allowFetch: async (_ctx: unknown, clientId: string) => {
          const verdict = await publicHost(new URL(clientId).hostname);
          if (!verdict.ok)
            logger.info(
              { kind: 'oauth-cimd', clientId, reason: verdict.reason },
              'client metadata document refused',
            );
          return verdict.ok;
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: async (_ctx: unknown, indicator: string) => {
          if (indicator !== resource)
            throw new errors.InvalidTarget('this server issues tokens only for its MCP endpoint');
          return {
            scope: resourceScope,
            audience: resource,
            accessTokenFormat: 'jwt',
            accessTokenTTL: options.ttl.accessTokenSeconds,
            jwt: { sign: { alg: options.signingKeys.alg } },
          };
        },
      },
    },
  });
  if (options.trustProxy) provider.proxy = true;
  // oidc-provider ends a request that asks for no scope with access_denied ("no scope was
  // granted"); MCP clients omit `scope` when the server advertises none it needs.
  const defaultScope = options.defaultScopes?.length ? options.defaultScopes.join(' ') : 'openid';
  provider.use(
    async (
      ctx: { path: string; method: string; query: Record<string, unknown> },
      next: () => Promise<void>,
    ) => {
      if (ctx.path === `${PREFIX}authorize` && ctx.method === 'GET' && !ctx.query.scope)
        ctx.query = { ...ctx.query, scope: defaultScope };
      await next();
    },
  );
  provider.on('grant.revoked', (_ctx: unknown, grantId: unknown) => {
    if (typeof grantId === 'string') liveness.revoked(grantId);
  });
  provider.on('server_error', (_ctx: unknown, error: unknown) =>
    logger.error({ err: error }, 'authorization server error'),
  );

  const find = provider.Client.find.bind(provider.Client);
  const loopbackCimd = options.registration.cimd && options.registration.loopbackCimd;
  provider.Client.find = async (id: string) => {
    // Development only: oidc-provider fetches https:// documents (and refuses private
    // addresses); a client on this machine may serve its document from loopback.
    const client =
      loopbackCimd && isLoopbackClientId(id)
        ? await fetchLoopbackClient(provider, id)
        : await find(id);
    // A registered (DCR) or self-described (CIMD) client's `scope` does not cap what it may
    // ask for: MCP hosts register with the first challenge's scope and step up later. What a
    // person may grant is the scope map's and the consent page's decision. Pre-registered
    // clients keep the scope configured for them.
    if (client && !client.noManage && client.scope !== undefined)
      Object.defineProperty(client, 'scope', {
        value: undefined,
        configurable: true,
        writable: true,
      });
    return client;
  };

  const upstream = createUpstream({
    ...options.upstream,
    redirectUri: `${issuer}${PREFIX}callback`,
  });
  const upstreamTokens = createUpstreamTokenStore({
    store,
    keys: encryptionKeys,
    ttlSeconds: options.ttl.refreshTokenSeconds,
    refresh: (refreshToken) => upstream.refresh(refreshToken),
    userinfoUrl: () => upstream.userinfoUrl(),
    origins: () => upstream.origins(),
    logger,
  });
  const interactions = createInteractions({
    upstreamTokens,
    provider,
    upstream,
    logger,
    resource,
    resourceName: options.resourceName,
    scopes: options.scopes,
    scopeMap: options.scopeMap,
    records: store,
    rememberSeconds: options.ttl.refreshTokenSeconds,
    csrfSecret: deriveSecret(firstSecret, 'consent'),
    consentTtlSeconds: 600,
    now,
  });
  const callback = provider.callback();
  const jwks = publicKeySet(options.signingKeys);
  const revokeAccessToken = createAccessRevocation({
    issuer,
    resource,
    jwks,
    revoke: (jti) => liveness.revokeToken(jti),
  });

  /** Answers 429 (and returns true) when this client address is past its endpoint limit. */
  async function limitedEndpoint(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
  ): Promise<boolean> {
    const limits = options.endpointLimits;
    if (!limits) return false;
    const browser = path === `${PREFIX}authorize`;
    const token =
      request.method === 'POST' && (path === `${PREFIX}token` || path === `${PREFIX}revoke`);
    if (!browser && !token) return false;
    const decision = await (browser ? limits.authorize : limits.token).consume(
      limits.clientKey(request),
    );
    if (decision.allowed) return false;
    const retryAfter = String(decision.retryAfterSeconds ?? decision.resetSeconds);
    logger.info(
      { kind: 'oauth-limit', path },
      'authorization server request refused: limit reached',
    );
    if (browser) {
      const page = renderProblem(
        'Too many sign-in attempts',
        `Too many sign-ins were started from your network. Wait ${retryAfter} s, then start again from your application.`,
      );
      response.writeHead(429, { ...page.headers, 'retry-after': retryAfter }).end(page.html);
    } else {
      response
        .writeHead(429, {
          'content-type': 'application/json',
          'cache-control': 'no-store',
          'retry-after': retryAfter,
        })
        .end(
          JSON.stringify({
            error: 'temporarily_unavailable',
            error_description: 'Too many requests from this address; try again later',
          }),
        );
    }
    return true;
  }
  const INTERACTION = new RegExp(`^${PREFIX}interaction/([\\w-]+)(/consent)?$`);

  return {
    issuer,
    jwks,
    isTokenActive: (claims) => liveness.isActive(claims),
    upstreamFor: (subject) => upstreamTokens.accessFor(subject),
    handles: (path) => path.startsWith(PREFIX) || METADATA_PATHS.includes(path),
    async handle(request, response) {
      const url = new URL(request.url ?? '/', issuer);
      try {
        const page = INTERACTION.exec(url.pathname);
        if (page?.[1] && request.method === 'GET' && !page[2])
          return await interactions.start(request, response, page[1]);
        if (page?.[1] && request.method === 'POST' && page[2])
          return await interactions.consent(request, response, page[1]);
        if (url.pathname === `${PREFIX}callback` && request.method === 'GET')
          return await interactions.callback(response, url);
        if (await limitedEndpoint(request, response, url.pathname)) return;
        const limit = options.registrationLimit;
        if (limit && request.method === 'POST' && url.pathname === `${PREFIX}register`) {
          const used = await store.count(
            'registrations',
            limit.clientKey(request),
            limit.windowSeconds,
          );
          if (used > limit.limit) {
            logger.info({ kind: 'oauth-dcr' }, 'dynamic registration refused: limit reached');
            response
              .writeHead(429, {
                'content-type': 'application/json',
                'cache-control': 'no-store',
                'retry-after': String(limit.windowSeconds),
              })
              .end(
                JSON.stringify({
                  error: 'temporarily_unavailable',
                  error_description:
                    'Too many client registrations from this address; try again later',
                }),
              );
            return;
          }
        }
        let forward = request;
        if (request.method === 'POST' && url.pathname === `${PREFIX}revoke`) {
          const passed = await revokeAccessToken(request, response);
          if (!passed) return;
          forward = passed;
        }
        // RFC 8414's location for an issuer without a path: the same document.
        if (url.pathname === METADATA_PATHS[0]) forward.url = `${METADATA_PATHS[1]}${url.search}`;
        await callback(forward, response);
      } catch (error) {
        logger.warn({ err: error, path: url.pathname }, 'authorization server page failed');
        if (!response.headersSent) {
          const page = renderProblem('Sign-in failed', 'Start again from your application.');
          response.writeHead(400, page.headers).end(page.html);
        }
      }
    },
    close() {
      store.close();
      void options.endpointLimits?.authorize.close();
      void options.endpointLimits?.token.close();
    },
  };
}
