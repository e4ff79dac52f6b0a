import { baseConfigSchema, port } from '@mcp-runway/config';
import { z } from 'zod';

/** Everything the conformance server reads from the environment, in one place. */
export const configSchema = baseConfigSchema.extend({
  /** Loopback by default: the Host/Origin check only admits local names. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** `0` picks a free port; the listening log line says which. */
  PORT: port(3001),
  MCP_PATH: z
    .string()
    .regex(/^\/[^\s?#]*$/, 'must be a path starting with /, like /mcp')
    .default('/mcp'),
  /**
   * `stateless` (default): the Hono pipeline apps/hono-http runs, every request self-contained.
   * `sessions`: the Express pipeline apps/express-sessions runs, 2025 traffic on real sessions (Mcp-Session-Id, GET
   * streams, resumption), for the suite's stateful scenarios.
   */
  LANE: z.enum(['stateless', 'sessions']).default('stateless'),
});

export type Config = z.infer<typeof configSchema>;
