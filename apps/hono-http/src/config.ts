/**
 * Everything the HTTP app reads from the environment, validated in one place: the pieces each
 * step adds (each declared next to its code, with its startup refusals) and the MCP
 * server's own settings.
 */
import { authConfig } from '@mcp-runway/auth';
import { authorizationServerConfig } from '@mcp-runway/authorization-server';
import { composeConfig } from '@mcp-runway/config';
import { settings as serverSettings } from '@mcp-runway/example-server';
import { httpConfig } from '@mcp-runway/http';
import { auditConfig, metricsConfig } from '@mcp-runway/metrics';
import { rateLimitConfig } from '@mcp-runway/rate-limit';
import { redisConfig } from '@mcp-runway/redis';
import type { z } from 'zod';

export const configSchema = composeConfig(
  httpConfig, // HOST, PORT, MCP_PATH, ALLOWED_HOSTS, ALLOWED_ORIGINS, BODY_LIMIT, ...
  authConfig, // AUTH_MODE, API_KEYS, OAUTH_* (refuses an open public bind)
  authorizationServerConfig, // OAUTH_SERVER=builtin: UPSTREAM_*, OAUTH_SIGNING_KEYS, ...
  rateLimitConfig, // RATE_LIMIT_*, TRUST_PROXY
  redisConfig, // REDIS_URL (limits shared by every instance)
  metricsConfig, // METRICS_PORT, METRICS_HOST, METRICS_TOKEN
  auditConfig, // AUDIT_LOG: the audit trail's destination
  serverSettings, // the MCP server's own variables
);

export type Config = z.infer<typeof configSchema>;
