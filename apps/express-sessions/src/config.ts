/**
 * Everything the app reads from the environment: the pieces of steps 2, 3 and 5 (the same ones
 * the Hono app composes, each declared next to its code with its startup refusals), the session
 * lane, and the MCP server's own settings.
 */
import { authConfig } from '@mcp-runway/auth';
import { composeConfig, configPiece, port } from '@mcp-runway/config';
import { settings as serverSettings } from '@mcp-runway/example-server';
import { httpConfig } from '@mcp-runway/http';
import { auditConfig, metricsConfig } from '@mcp-runway/metrics';
import { rateLimitConfig } from '@mcp-runway/rate-limit';
import { redisConfig } from '@mcp-runway/redis';
import { sessionsConfig } from '@mcp-runway/sessions';
import type { z } from 'zod';

export const configSchema = composeConfig(
  httpConfig,
  authConfig,
  rateLimitConfig,
  redisConfig, // limits, session records and event streams, shared by every instance
  sessionsConfig, // SESSION_IDLE_TIMEOUT_MS, SESSION_MAX_LIFETIME_MS, SESSION_MAX, ...
  metricsConfig,
  auditConfig, // AUDIT_LOG: the audit trail's destination
  serverSettings,
  // 3000 is the Hono app's, 3001 the conformance fixture's: all three can run side by side.
  configPiece({ PORT: port(3002) }),
);

export type Config = z.infer<typeof configSchema>;
