/**
 * Everything the app reads from the environment: step 3's settings, imported from the Hono
 * app rather than copied (one definition, one set of startup refusals), plus the session lane.
 */
import { port, positiveInt } from '@mcp-runway/config';
import { configSchema as pipelineConfigSchema } from '@mcp-runway/hono-http/config';
import type { z } from 'zod';

// safeExtend: a redefined field (PORT) must stay assignable to the Hono app's, so the shared
// refinements, and createSecurity, keep reading what they expect.
export const configSchema = pipelineConfigSchema.safeExtend({
  /** 3000 is the Hono app's, 3001 the conformance fixture's: both can run beside this one. */
  PORT: port(3002),
  /** A session with no request, no open stream and nothing running this long ends (30 min). */
  SESSION_IDLE_TIMEOUT_MS: positiveInt(1_800_000),
  /** A session ends this long after initialize, however busy (24 h). */
  SESSION_MAX_LIFETIME_MS: positiveInt(86_400_000),
  /** Sessions one instance holds, live or dormant; initialize beyond it gets 503. */
  SESSION_MAX: positiveInt(10_000),
  /** An idle session hands back its McpServer (about 33 KB) and keeps a 1 KB record. */
  SESSION_DORMANT_AFTER_MS: positiveInt(60_000),
});

export type Config = z.infer<typeof configSchema>;
