/**
 * Who may call. The variables of the three auth modes and the refusals that keep a
 * deployment from starting half-configured (an open server on a public address, API-key mode
 * with no keys, OAuth with no issuer).
 */
import { boolean, configPiece, isLoopbackAddress, list, secret } from '@mcp-runway/config';
import { z } from 'zod';

export const authConfig = configPiece(
  {
    /** `none`, `apikey` (service-to-service) or `oauth` (an OAuth 2.1 resource server). */
    AUTH_MODE: z.enum(['none', 'apikey', 'oauth']).default('none'),
    /** Required to run AUTH_MODE=none on a non-loopback address: being open must be a decision. */
    ALLOW_UNAUTHENTICATED: boolean(false),
    /** API key entries, `principal:scope scope:sha256hex`, comma- or newline-separated. */
    API_KEYS: secret(z.string().optional()),
    /** A mounted secret file with one API key entry per line (read at startup). */
    API_KEYS_FILE: z.string().optional(),
    /** This server's canonical URI, the audience every token must name (RFC 8707). */
    RESOURCE_URI: z.url().optional(),
    /**
     * Which authorization server issues the tokens: `external` (yours, at OAUTH_ISSUER) or
     * `builtin` (@mcp-runway/authorization-server, on this server's origin, delegating login
     * to UPSTREAM_ISSUER).
     */
    OAUTH_SERVER: z.enum(['external', 'builtin']).default('external'),
    /** The external authorization server's issuer (OAUTH_SERVER=external). */
    OAUTH_ISSUER: z.url().optional(),
    /** Found through the issuer's metadata when unset. */
    OAUTH_JWKS_URL: z.url().optional(),
    /** Scopes advertised in the resource metadata and asked for by the 401 challenge. */
    OAUTH_SCOPES: list(),
    /** RFC 7662 introspection for opaque tokens, instead of JWT verification. */
    OAUTH_INTROSPECTION_URL: z.url().optional(),
    OAUTH_INTROSPECTION_CLIENT_ID: z.string().optional(),
    OAUTH_INTROSPECTION_CLIENT_SECRET: secret(z.string().optional()),
  },
  (config, problem) => {
    // HOST comes from the HTTP piece; without one (no listener) the server is local.
    const host = typeof config.HOST === 'string' ? config.HOST : '127.0.0.1';
    const local = isLoopbackAddress(host);
    if (!local && config.AUTH_MODE === 'none' && !config.ALLOW_UNAUTHENTICATED) {
      problem(
        'AUTH_MODE',
        `is none while HOST=${host} is reachable from other machines: set AUTH_MODE=apikey ` +
          'or oauth, or ALLOW_UNAUTHENTICATED=true if an open server is really what you want',
      );
    }
    if (config.AUTH_MODE === 'apikey' && !config.API_KEYS && !config.API_KEYS_FILE) {
      problem(
        'API_KEYS',
        'AUTH_MODE=apikey needs API_KEYS or API_KEYS_FILE (mint a key: node packages/auth/dist/cli.js --principal NAME)',
      );
    }
    if (config.AUTH_MODE === 'oauth') {
      if (config.OAUTH_SERVER === 'external' && !config.OAUTH_ISSUER)
        problem(
          'OAUTH_ISSUER',
          'AUTH_MODE=oauth needs the authorization server issuer URL (or OAUTH_SERVER=builtin)',
        );
      if (config.OAUTH_SERVER === 'builtin' && config.OAUTH_ISSUER)
        problem(
          'OAUTH_ISSUER',
          'names an external authorization server, but OAUTH_SERVER=builtin issues the tokens here: unset one of them',
        );
      if (!config.RESOURCE_URI && !local)
        problem('RESOURCE_URI', "AUTH_MODE=oauth needs this server's public MCP URL");
      if (
        config.OAUTH_INTROSPECTION_URL &&
        !(config.OAUTH_INTROSPECTION_CLIENT_ID && config.OAUTH_INTROSPECTION_CLIENT_SECRET)
      ) {
        problem('OAUTH_INTROSPECTION_CLIENT_ID', 'introspection needs a client id and secret');
      }
    }
  },
);

export type AuthConfig = z.output<z.ZodObject<typeof authConfig.shape>>;
