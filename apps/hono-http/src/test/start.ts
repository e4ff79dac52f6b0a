import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import { loadConfig } from '@mcp-runway/config';
import type { ServerModule } from '@mcp-runway/example-server';
import type { Drain } from '@mcp-runway/http';
import { applyServerLimits, trackInFlight } from '@mcp-runway/http/node';
import { createLogger } from '@mcp-runway/logging';
import { serveMetrics } from '@mcp-runway/metrics';
import type { Security } from '@mcp-runway/pipeline';
import { closeRedis, connectRedis } from '@mcp-runway/redis';
import { fixtureServerModule } from '@mcp-runway/testing/fixture-server';
import { createApp } from '../app.js';
import { type Config, configSchema } from '../config.js';

export interface RunningApp {
  url: string;
  mcpUrl: URL;
  drain: Drain;
  config: Config;
  security: Security;
  /** The private metrics listener's URL (`/metrics`). */
  metricsUrl: string;
  /** Every log line the app wrote, as text (JSON lines). */
  logs(): string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** The MCP server to mount. @default the pipeline fixture server (@mcp-runway/testing) */
  server?: ServerModule;
  /** Runs once the URL is known, before the app is built; returns more settings (e.g. OAUTH_ISSUER). */
  prepare?: (url: string) => Promise<Record<string, string>>;
}

/**
 * Starts the real composition (app.ts, as main.ts builds it, minus signals) on a loopback port
 * the OS picks, with the fixture server in place of the real one unless a test names another.
 * The socket opens first, so RESOURCE_URI can name the port (tokens must carry it as `aud`).
 */
export async function startApp(
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<RunningApp> {
  let handle = (_request: Request, _env: unknown): Response | Promise<Response> =>
    new Response(null, { status: 503 });
  const server = await new Promise<Server>((resolve) => {
    const started = serve(
      { fetch: (request, env) => handle(request, env), hostname: '127.0.0.1', port: 0 },
      () => resolve(started as Server),
    );
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const config = loadConfig(configSchema, {
    LOG_LEVEL: 'info',
    RATE_LIMIT_POINTS: '100000',
    // The audit trail stays out of the test runner's stderr unless a test asks for it.
    AUDIT_LOG: 'off',
    ...env,
    ...(await options.prepare?.(url)),
    PORT: String(port),
    ...(env.RESOURCE_URI === 'auto' ? { RESOURCE_URI: `${url}/mcp` } : {}),
  });
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ name: 'hono-http-test', level: config.LOG_LEVEL, destination });
  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, { logger }) : undefined;
  const app = await createApp({
    config,
    logger,
    server: options.server ?? fixtureServerModule,
    redis,
  });
  const metricsServer = await serveMetrics({
    registry: app.metrics.registry,
    port: 0,
    token: config.METRICS_TOKEN,
    allowedHosts: config.METRICS_ALLOWED_HOSTS,
  });
  handle = (request, env) => app.app.fetch(request, env as never);
  applyServerLimits(server, config, { logger });
  trackInFlight(server, app.drain);
  return {
    url,
    mcpUrl: new URL(config.MCP_PATH, url),
    drain: app.drain,
    config,
    security: app.security,
    metricsUrl: metricsServer.url,
    logs: () => lines.join(''),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.close();
      await closeRedis(redis);
      await metricsServer.close();
    },
  };
}
