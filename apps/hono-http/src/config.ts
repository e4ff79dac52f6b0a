import {
  baseConfigSchema,
  boolean,
  bytes,
  list,
  port,
  positiveInt,
  secret,
} from '@mcp-runway/config';
import { isLoopbackAddress } from '@mcp-runway/http';
import { z } from 'zod';

/** Everything the HTTP app reads from the environment, validated in one place. */
export const configSchema = baseConfigSchema
  .extend({
    /** Bind address. Loopback by default: exposing the server is a decision, not an accident. */
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port(3000),
    MCP_PATH: z
      .string()
      .regex(/^\/[\w./-]*$/, 'must be a path such as /mcp')
      .default('/mcp'),
    /** Host names this server answers to (DNS-rebinding protection). Required off loopback. */
    ALLOWED_HOSTS: list(),
    /** Browser origins allowed to call (CORS and Origin checks), e.g. https://app.example.com. */
    ALLOWED_ORIGINS: list(),
    BODY_LIMIT: bytes('1mb'),
    /** How long in-flight requests get to finish after SIGTERM. Keep it below the platform's grace period. */
    SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
    REPORT_STEP_MS: positiveInt(250),

    // --- Authentication (step 3) ---
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
    OAUTH_ISSUER: z.url().optional(),
    /** Found through the issuer's metadata when unset. */
    OAUTH_JWKS_URL: z.url().optional(),
    /** Scopes advertised in the resource metadata and asked for by the 401 challenge. */
    OAUTH_SCOPES: list(),
    /** RFC 7662 introspection for opaque tokens, instead of JWT verification. */
    OAUTH_INTROSPECTION_URL: z.url().optional(),
    OAUTH_INTROSPECTION_CLIENT_ID: z.string().optional(),
    OAUTH_INTROSPECTION_CLIENT_SECRET: secret(z.string().optional()),

    // --- Rate limits (step 3) ---
    /** Points each principal (or client IP, when anonymous) may spend per window. */
    RATE_LIMIT_POINTS: positiveInt(300),
    RATE_LIMIT_DURATION_S: positiveInt(60),
    /** Shared state for several instances; unset means in memory. */
    REDIS_URL: z.url().optional(),
    /** Proxies in front of the app whose X-Forwarded-For to trust: a hop count or addresses/CIDRs. */
    TRUST_PROXY: z.string().optional(),

    // --- Observability (step 5) ---
    /** Prometheus metrics on their own listener, never on the MCP port. 0 picks a free port. */
    METRICS_PORT: port(9464),
    /** Loopback by default; 0.0.0.0 in a container so Prometheus can reach the pod. */
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /** When set, scrapes must send `Authorization: Bearer <token>`. */
    METRICS_TOKEN: secret(z.string().min(16).optional()),
  })
  .superRefine((config, ctx) => {
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    const local = isLoopbackAddress(config.HOST);
    if (!local && config.ALLOWED_HOSTS.length === 0) {
      problem(
        'ALLOWED_HOSTS',
        `required when HOST=${config.HOST} is not a loopback address: list the public host names ` +
          'clients use (e.g. mcp.example.com), so DNS-rebinding protection stays on',
      );
    }
    if (!local && config.AUTH_MODE === 'none' && !config.ALLOW_UNAUTHENTICATED) {
      problem(
        'AUTH_MODE',
        `is none while HOST=${config.HOST} is reachable from other machines: set AUTH_MODE=apikey ` +
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
      if (!config.OAUTH_ISSUER)
        problem('OAUTH_ISSUER', 'AUTH_MODE=oauth needs the authorization server issuer URL');
      if (!config.RESOURCE_URI && !local)
        problem('RESOURCE_URI', "AUTH_MODE=oauth needs this server's public MCP URL");
      if (
        config.OAUTH_INTROSPECTION_URL &&
        !(config.OAUTH_INTROSPECTION_CLIENT_ID && config.OAUTH_INTROSPECTION_CLIENT_SECRET)
      ) {
        problem('OAUTH_INTROSPECTION_CLIENT_ID', 'introspection needs a client id and secret');
      }
    }
  });

export type Config = z.infer<typeof configSchema>;
