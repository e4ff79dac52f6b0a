/**
 * The stateless lane as a Vercel Function (Node.js runtime): the pipeline of the Hono app
 * (@mcp-runway/pipeline/hono) as it is, the same configuration pieces and the same MCP server.
 *
 * Vercel runs as many instances as traffic needs and they share nothing, so everything that
 * must be shared goes through Redis (`REDIS_URL`, e.g. a managed Redis from the Marketplace):
 * rate-limit budgets and failed-authentication counts. Fluid compute keeps an instance warm and
 * lets it serve several requests at once, so everything here is built once per instance, on
 * its first request, and reused.
 */
import { authConfig } from '@mcp-runway/auth';
import { composeConfig, type Env, loadConfig } from '@mcp-runway/config';
import {
  type ServerModule,
  serverModule,
  settings as serverSettings,
} from '@mcp-runway/example-server';
import { createDrain, httpConfig, pooledServerFactory } from '@mcp-runway/http';
import { type CreateLoggerOptions, createLogger, type Logger } from '@mcp-runway/logging';
import { createSecurity, type Security } from '@mcp-runway/pipeline';
import { createPipeline } from '@mcp-runway/pipeline/hono';
import { rateLimitConfig } from '@mcp-runway/rate-limit';
import { closeRedis, connectRedis, redisConfig } from '@mcp-runway/redis';
import { createMcpHandler } from '@modelcontextprotocol/server';
import type { z } from 'zod';

export const configSchema = composeConfig(
  httpConfig,
  authConfig,
  rateLimitConfig,
  redisConfig, // limits shared by every instance
  serverSettings,
);
export type Config = z.infer<typeof configSchema>;

/**
 * A Vercel deployment is always public: HOST is fixed to 0.0.0.0, so the shared schema requires
 * ALLOWED_HOSTS (your `*.vercel.app` name or domain) and an auth decision.
 */
export const VERCEL_HOST = '0.0.0.0';

export function loadVercelConfig(env: Env = process.env): Config {
  return loadConfig(configSchema, { ...env, HOST: VERCEL_HOST });
}

export interface VercelRuntime {
  fetch(request: Request): Promise<Response>;
  config: Config;
  logger: Logger;
  security: Security;
  /** Vercel never calls it (it retires instances itself); for tests. */
  close(): Promise<void>;
}

export interface VercelRuntimeOptions {
  server?: ServerModule;
  /** Where log lines go; stderr by default. */
  logDestination?: CreateLoggerOptions['destination'];
}

/** Vercel collects stdout and stderr line by line; a synchronous write leaves nothing behind. */
const stderrSync: NonNullable<CreateLoggerOptions['destination']> = {
  write: (line: string) => {
    process.stderr.write(line);
  },
};

export async function createVercelRuntime(
  env: Env = process.env,
  options: VercelRuntimeOptions = {},
): Promise<VercelRuntime> {
  const config = loadVercelConfig(env);
  const logger = createLogger({
    name: 'mcp-runway-vercel',
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT ?? 'json',
    destination: options.logDestination ?? stderrSync,
  });
  const server = options.server ?? serverModule;
  // One Redis connection per instance; without REDIS_URL each instance counts on its own.
  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, { logger }) : undefined;
  const security = await createSecurity(config, { logger, server, redis });
  const factory = server.createServerFactory({ logger, settings: config });
  const mcp = createMcpHandler(pooledServerFactory(factory), { legacy: 'stateless' });
  const app = createPipeline({
    config,
    logger,
    mcp,
    toolPolicies: server.toolPolicies,
    drain: createDrain(),
    security,
    // Vercel's proxy sets X-Real-IP to the client's address (and overwrites what a client sent).
    clientAddress: (c) => c.req.header('x-real-ip'),
    readinessDependencies: redis
      ? [{ name: 'redis', report: () => redis.circuit.readiness() }]
      : [],
  });
  return {
    fetch: (request) => Promise.resolve(app.fetch(request)),
    config,
    logger,
    security,
    async close() {
      await mcp.close();
      await security.close();
      await closeRedis(redis);
    },
  };
}
