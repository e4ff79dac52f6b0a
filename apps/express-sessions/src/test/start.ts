import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { loadConfig } from '@mcp-runway/config';
import type { ServerModule } from '@mcp-runway/example-server';
import type { Drain } from '@mcp-runway/http';
import { applyServerLimits, trackInFlight } from '@mcp-runway/http/node';
import { createLogger } from '@mcp-runway/logging';
import type { McpMetrics } from '@mcp-runway/metrics';
import type { Security } from '@mcp-runway/pipeline';
import { closeRedis, connectRedis, type GuardedRedis } from '@mcp-runway/redis';
import { fixtureServerModule } from '@mcp-runway/testing/fixture-server';
import { createApp } from '../app.js';
import { type Config, configSchema } from '../config.js';
import type { Sessions } from '../sessions.js';

export interface RunningApp {
  url: string;
  mcpUrl: URL;
  drain: Drain;
  config: Config;
  security: Security;
  sessions: Sessions;
  metrics: McpMetrics;
  /** The Redis key prefix of this instance's sessions and events (unique per test run). */
  keyPrefix: string;
  /** The app's one Redis connection (with REDIS_URL). */
  redis: GuardedRedis | undefined;
  /** Every log line the app wrote, as text (JSON lines). */
  logs(): string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Instances given the same prefix share sessions through Redis, as replicas would. */
  keyPrefix?: string;
  /** The MCP server to mount. @default the pipeline fixture server (@mcp-runway/testing) */
  server?: ServerModule;
}

/**
 * Starts the real composition (app.ts, as main.ts builds it, minus signals) on a loopback port
 * the OS picks, with the fixture server in place of the real one unless a test names another.
 */
export async function startApp(
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<RunningApp> {
  const keyPrefix = options.keyPrefix ?? `test:express-sessions:${randomUUID()}`;
  let handle: RequestListener = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const config = loadConfig(configSchema, {
    LOG_LEVEL: 'info',
    RATE_LIMIT_POINTS: '100000',
    // The audit trail stays out of the test runner's stderr unless a test asks for it.
    AUDIT_LOG: 'off',
    ...env,
    PORT: String(port),
  });
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({
    name: 'express-sessions-test',
    level: config.LOG_LEVEL,
    destination,
  });
  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, { logger }) : undefined;
  const app = await createApp({
    config,
    logger,
    server: options.server ?? fixtureServerModule,
    redis,
    keyPrefix,
  });
  handle = app.app;
  applyServerLimits(server, config, { logger });
  trackInFlight(server, app.drain);
  return {
    url,
    mcpUrl: new URL(config.MCP_PATH, url),
    drain: app.drain,
    config,
    security: app.security,
    sessions: app.sessions,
    metrics: app.metrics,
    keyPrefix,
    redis,
    logs: () => lines.join(''),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.sessions.close();
      await app.close();
      await closeRedis(redis);
    },
  };
}
