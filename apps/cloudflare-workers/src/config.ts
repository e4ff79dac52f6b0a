/**
 * What the Worker reads from its environment (`[vars]` in wrangler.jsonc and secrets set with
 * `wrangler secret put`), validated by the same schemas as the Hono and Lambda apps.
 */
import { authConfig } from '@mcp-runway/auth';
import { composeConfig, type Env, loadConfig } from '@mcp-runway/config';
import { settings as serverSettings } from '@mcp-runway/example-server';
import { httpConfig } from '@mcp-runway/http';
import { rateLimitConfig } from '@mcp-runway/rate-limit';
import type { z } from 'zod';

export const configSchema = composeConfig(httpConfig, authConfig, rateLimitConfig, serverSettings);
export type Config = z.infer<typeof configSchema>;

/**
 * A Worker is always reachable from outside, so it is configured as a public bind (as on
 * Lambda): HOST is fixed to 0.0.0.0, which makes the shared schema require ALLOWED_HOSTS (your
 * `*.workers.dev` name or custom domain) and an explicit auth decision (AUTH_MODE=apikey|oauth,
 * or ALLOW_UNAUTHENTICATED=true).
 */
export const WORKER_HOST = '0.0.0.0';

/**
 * The Worker's `env` holds bindings (the Durable Object namespace, Analytics Engine) next to
 * the string variables and secrets: only the strings are configuration. Throws ConfigError.
 */
export function loadWorkerConfig(env: Readonly<Record<string, unknown>>): Config {
  const strings: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (typeof value === 'string') strings[name] = value;
  }
  return loadConfig(configSchema, { ...(strings as Env), HOST: WORKER_HOST });
}
