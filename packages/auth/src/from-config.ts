/**
 * The authenticator an auth mode asks for, built from the configuration: API keys, or an
 * OAuth 2.1 resource server (JWT verification or introspection) with its Protected Resource
 * Metadata. The pipeline decides where it runs.
 */
import type { Logger } from '@mcp-runway/logging';
import type { JSONWebKeySet } from 'jose';
import { createApiKeyAuthenticator } from './api-key-authenticator.js';
import { loadApiKeys } from './api-key-config.js';
import type { Challenge } from './challenge.js';
import type { AuthConfig } from './config.js';
import { discoverIssuerMetadata } from './discovery.js';
import { createIntrospectionAuthenticator } from './introspection.js';
import { createJwtAuthenticator } from './jwt.js';
import {
  canonicalResourceUri,
  type ProtectedResourceMetadata,
  prmUrls,
  protectedResourceMetadata,
} from './metadata.js';
import type { Authenticator, Principal, UpstreamAccess } from './principal.js';
import type { ToolScopePolicies } from './tool-scopes.js';

export interface Authentication {
  authenticator: Authenticator;
  /** What 401 and 403 answers advertise (metadata URL, scopes). */
  challenge: Challenge;
  /** OAuth only: the RFC 9728 document and the paths it is served at. */
  metadata?: { document: ProtectedResourceMetadata; paths: readonly string[] };
}

/** Where the MCP endpoint listens: what the default resource URI is made of. */
export interface Endpoint {
  HOST: string;
  PORT: number;
  MCP_PATH: string;
}

/** The canonical URI of this server's MCP endpoint: the audience tokens must name. */
export function resourceUri(config: Pick<AuthConfig, 'RESOURCE_URI'> & Endpoint): string {
  if (config.RESOURCE_URI) return canonicalResourceUri(config.RESOURCE_URI);
  const bare = config.HOST.includes(':') && !config.HOST.startsWith('[');
  const host = bare ? `[${config.HOST}]` : config.HOST;
  return canonicalResourceUri(`http://${host}:${config.PORT}${config.MCP_PATH}`);
}

export interface AuthenticationOptions {
  logger: Logger;
  /** The MCP server's tools and the scopes each needs (advertised in the metadata). */
  toolPolicies: ToolScopePolicies;
  /** A human-readable name for the resource metadata, e.g. the server's name. */
  resourceName: string;
  /**
   * OAUTH_SERVER=builtin: the authorization server running in this process (its issuer and
   * public keys), named in the metadata and trusted instead of OAUTH_ISSUER.
   */
  authorizationServer?: BuiltinIssuer | undefined;
}

/** What the resource server needs of an authorization server in the same process. */
export interface BuiltinIssuer {
  issuer: string;
  jwks: JSONWebKeySet;
  /** Whether a verified token's grant is still alive (revocation takes effect at once). */
  isTokenActive?: (claims: Readonly<Record<string, unknown>>) => Promise<boolean>;
  /** The person's upstream account (tokens kept encrypted), handed to tools as a capability. */
  upstreamFor?: (subject: string) => UpstreamAccess;
}

/** Undefined when AUTH_MODE=none: the endpoint is open. */
export async function createAuthentication(
  config: AuthConfig & Endpoint,
  { logger, toolPolicies, resourceName, authorizationServer }: AuthenticationOptions,
): Promise<Authentication | undefined> {
  if (config.AUTH_MODE === 'none') return undefined;
  if (config.AUTH_MODE === 'apikey') {
    const entries = await loadApiKeys({ value: config.API_KEYS, file: config.API_KEYS_FILE });
    return { authenticator: createApiKeyAuthenticator(entries, { logger }), challenge: {} };
  }
  if (config.OAUTH_SERVER === 'builtin' && !authorizationServer) {
    throw new Error(
      'OAUTH_SERVER=builtin: this app does not compose the built-in authorization server (apps/hono-http does)',
    );
  }
  // Required by authConfig in oauth mode, unless the built-in server issues the tokens.
  const issuer = authorizationServer?.issuer ?? (config.OAUTH_ISSUER as string);
  const resource = resourceUri(config);
  const prm = prmUrls(resource);
  const challenge: Challenge = { resourceMetadataUrl: prm.url, scopes: config.OAUTH_SCOPES };
  const toolScopes = Object.values(toolPolicies).flatMap((policy) => policy.scopes);
  const document = protectedResourceMetadata({
    resource,
    authorizationServers: [issuer],
    scopesSupported: [...new Set([...config.OAUTH_SCOPES, ...toolScopes])],
    resourceName,
  });
  const authenticator =
    config.OAUTH_INTROSPECTION_URL &&
    config.OAUTH_INTROSPECTION_CLIENT_ID &&
    config.OAUTH_INTROSPECTION_CLIENT_SECRET
      ? createIntrospectionAuthenticator({
          introspectionUrl: config.OAUTH_INTROSPECTION_URL,
          clientId: config.OAUTH_INTROSPECTION_CLIENT_ID,
          clientSecret: config.OAUTH_INTROSPECTION_CLIENT_SECRET,
          issuer,
          audience: resource,
          challenge,
          logger,
        })
      : createJwtAuthenticator({
          issuer,
          audience: resource,
          ...(authorizationServer
            ? {
                jwks: authorizationServer.jwks,
                ...(authorizationServer.isTokenActive && {
                  isActive: authorizationServer.isTokenActive,
                }),
              }
            : { jwksUrl: config.OAUTH_JWKS_URL ?? (await discoverJwksUrl(issuer)) }),
          challenge,
          logger,
        });
  const upstreamFor = authorizationServer?.upstreamFor;
  return {
    authenticator: upstreamFor
      ? {
          async authenticate(credentials) {
            const principal = await authenticator.authenticate(credentials);
            return { ...principal, upstream: upstreamFor(principal.id) };
          },
        }
      : authenticator,
    challenge,
    metadata: { document, paths: prm.paths },
  };
}

async function discoverJwksUrl(issuer: string): Promise<string> {
  const metadata = await discoverIssuerMetadata(issuer);
  if (!metadata.jwks_uri) throw new Error(`${issuer} publishes no jwks_uri; set OAUTH_JWKS_URL`);
  return metadata.jwks_uri;
}

/**
 * Whose request it is, as one string (`apikey:ci-bot`, `oauth:alice`): the id sessions are
 * bound to and rate-limit budgets are kept under.
 */
export function callerId(principal: Principal | undefined): string | undefined {
  return principal && `${principal.kind}:${principal.id}`;
}
