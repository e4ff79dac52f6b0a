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
    /**
     * How long the whole body of an MCP POST may take to arrive once reading starts: then 408
     * with a JSON-RPC error, and the connection closes. 1 MB at 35 KB/s makes it; a client
     * dribbling a byte every few seconds does not hold a connection longer than this.
     */
    BODY_READ_TIMEOUT_MS: positiveInt(30_000),
    /** Node's `headersTimeout`: a request's headers (and a new connection's first) must arrive within this. */
    HEADERS_TIMEOUT_MS: positiveInt(20_000),
    /**
     * Node's `requestTimeout`: the whole request, headers and body, must arrive within this.
     * The backstop behind the two above. It counts until the request has arrived, never
     * while the answer is written: SSE responses last as long as they need.
     */
    REQUEST_TIMEOUT_MS: positiveInt(60_000),
    /**
     * Node's `keepAliveTimeout`: how long an idle keep-alive connection stays open. Above the
     * load balancer's idle timeout (60 s on AWS ALB), so it never reuses a connection the app
     * has just closed (a POST lost that way is not retried).
     */
    KEEP_ALIVE_TIMEOUT_MS: positiveInt(65_000),
    /** Node's `maxConnections`: connections beyond it are closed as they arrive. */
    MAX_CONNECTIONS: positiveInt(1_024),
    /** How long in-flight requests get to finish after SIGTERM. Keep it below the platform's grace period. */
    SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  },
  (config, problem) => {
    if (config.REQUEST_TIMEOUT_MS < config.HEADERS_TIMEOUT_MS + config.BODY_READ_TIMEOUT_MS) {
      problem(
        'REQUEST_TIMEOUT_MS',
        `must be at least HEADERS_TIMEOUT_MS + BODY_READ_TIMEOUT_MS ` +
          `(${config.HEADERS_TIMEOUT_MS + config.BODY_READ_TIMEOUT_MS}): it is the backstop ` +
          "behind both, so a slow body gets the 408 with a JSON-RPC error, not Node's bare one",
      );
    }
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
