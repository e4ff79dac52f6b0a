import { bytes, configPiece, isLoopbackAddress, list, port, positiveInt } from '@mcp-runway/config';
import { z } from 'zod';

/**
 * Where the server listens and what it accepts. Loopback by default: exposing the
 * server is a decision, and a public bind must name its host names (DNS-rebinding protection).
 */
export const httpConfig = configPiece(
  {
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
  },
  (config, problem) => {
    if (!isLoopbackAddress(config.HOST) && config.ALLOWED_HOSTS.length === 0) {
      problem(
        'ALLOWED_HOSTS',
        `required when HOST=${config.HOST} is not a loopback address: list the public host names ` +
          'clients use (e.g. mcp.example.com), so DNS-rebinding protection stays on',
      );
    }
  },
);

export type HttpConfig = z.output<z.ZodObject<typeof httpConfig.shape>>;
