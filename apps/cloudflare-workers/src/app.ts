/**
 * The stateless lane on Cloudflare Workers: the same pipeline as the Hono app
 * (@mcp-runway/pipeline/hono), the same MCP server and the same configuration pieces, with
 * the Node-only parts swapped for the platform's through the same interfaces:
 *
 * - logs: the logging package's logger, its JSON lines written with `console.log` (Workers
 *   Logs and `wrangler tail` parse them); no file descriptors, no worker threads;
 * - rate limits and failed-authentication counts: a Durable Object (src/durable-limits.ts)
 *   behind the rate-limit package's interfaces, shared by every isolate, instead of Redis;
 * - metrics: one Workers Analytics Engine data point per request when the `MCP_METRICS`
 *   binding is set (nothing to scrape: a Worker has no port for Prometheus);
 * - the caller's address: the `CF-Connecting-IP` header Cloudflare sets (no socket).
 *
 * Everything is built once per isolate, on its first request, and reused by later ones.
 */
import { createAuthentication } from '@mcp-runway/auth';
import { type ServerModule, serverModule } from '@mcp-runway/example-server';
import boardView from '@mcp-runway/example-server/view/board.html'; // runway:part ui
import { createDrain, pooledServerFactory } from '@mcp-runway/http';
import { createLogger, type Logger } from '@mcp-runway/logging';
import type { Security } from '@mcp-runway/pipeline';
import { createPipeline } from '@mcp-runway/pipeline/hono';
import { createConcurrencyLimiter, parseTrustProxy } from '@mcp-runway/rate-limit';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { type Config, loadWorkerConfig } from './config.js';
import { durableAuthFailures, durableRateLimiter, type LimitsNamespace } from './durable-limits.js';

/** What the Worker's `env` holds besides string variables and secrets (wrangler.jsonc). */
export interface WorkerBindings {
  /** The Durable Object namespace of `RateLimits` (required: limits are always on). */
  LIMITS: LimitsNamespace;
  /** Workers Analytics Engine dataset (optional): one data point per request. */
  MCP_METRICS?: { writeDataPoint(point: { blobs?: string[]; doubles?: number[] }): void };
}

export interface WorkerApp {
  fetch(request: Request): Promise<Response>;
  config: Config;
  logger: Logger;
}

/**
 * The logging package's logger, writing each redacted JSON record as one `console.log` line:
 * what Workers Logs indexes. Wrangler bundles pino's browser build, which hands its records to
 * this same destination.
 */
function consoleLogger(level: Config['LOG_LEVEL']): Logger {
  return createLogger({
    name: 'mcp-runway-worker',
    level,
    format: 'json',
    // A Worker has no file descriptor to write to: its log output is its console.
    destination: {
      write: (line: string) => {
        // biome-ignore lint/suspicious/noConsole: a Worker's log output is its console
        console.log(line.trimEnd());
      },
    },
  });
}

/**
 * Files the server reads beside its code, bundled into the Worker as text (wrangler.jsonc's
 * `rules`), since a Worker has no file system: by file name.
 */
const bundledFiles: Readonly<Record<string, string>> = {
  'board.html': boardView, // runway:part ui
};

async function readBundled(file: URL): Promise<string> {
  const name = file.pathname.slice(file.pathname.lastIndexOf('/') + 1);
  const text = bundledFiles[name];
  if (text === undefined) throw new Error(`${name} is not bundled into the Worker`);
  return text;
}

export async function createWorkerApp(
  env: WorkerBindings & Readonly<Record<string, unknown>>,
  server: ServerModule = serverModule,
): Promise<WorkerApp> {
  let config: Config;
  try {
    config = loadWorkerConfig(env);
  } catch (error) {
    // Every request answers 500 until the configuration is fixed; the problems are logged.
    consoleLogger('error').error({ err: error }, 'invalid configuration');
    throw error;
  }
  const logger = consoleLogger(config.LOG_LEVEL);

  // Security as `createSecurity` builds it, with the Durable Object in place of Redis. The
  // JWKS of OAUTH_ISSUER is fetched with the platform's `fetch`, as in Node.
  const auth = await createAuthentication(config, {
    logger,
    toolPolicies: server.toolPolicies,
    resourceName: server.info.name,
  });
  const security: Security = {
    auth,
    authFailures: auth ? durableAuthFailures(env.LIMITS) : undefined,
    limiter: durableRateLimiter(env.LIMITS),
    // Per isolate: an isolate serves many requests at once, this bounds what one caller holds
    // in it (the platform bounds the rest).
    concurrency: createConcurrencyLimiter({
      calls: { perKey: config.MAX_CONCURRENT_CALLS, total: config.MAX_CONCURRENT_CALLS_TOTAL },
      streams: {
        perKey: config.MAX_CONCURRENT_STREAMS,
        total: config.MAX_CONCURRENT_STREAMS_TOTAL,
      },
    }),
    trustProxy: parseTrustProxy(config.TRUST_PROXY),
    close: async () => {},
  };

  const factory = server.createServerFactory({ logger, settings: config, readFile: readBundled });
  const mcp = createMcpHandler(pooledServerFactory(factory), { legacy: 'stateless' });
  const app = createPipeline({
    config,
    logger,
    mcp,
    toolPolicies: server.toolPolicies,
    // A Worker is never drained (no SIGTERM); the pipeline takes one all the same.
    drain: createDrain(),
    security,
    clientAddress: (c) => c.req.header('cf-connecting-ip'),
  });

  const metrics = env.MCP_METRICS;
  return {
    config,
    logger,
    async fetch(request) {
      const started = Date.now();
      const response = await app.fetch(request);
      // Method, path and status class; the duration to the response's headers.
      metrics?.writeDataPoint({
        blobs: [
          request.method,
          new URL(request.url).pathname,
          `${Math.floor(response.status / 100)}xx`,
        ],
        doubles: [Date.now() - started, response.status],
      });
      return response;
    },
  };
}
