import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import { loadConfig } from '@mcp-runway/config';
import { createServerFactory, tools } from '@mcp-runway/example-server';
import { createDrain, type Drain, pooledServerFactory } from '@mcp-runway/http';
import { trackInFlight } from '@mcp-runway/http/node';
import { createLogger } from '@mcp-runway/logging';
import {
  createMetrics,
  instrumentServer,
  type McpMetrics,
  serveMetrics,
} from '@mcp-runway/metrics';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { createApp } from '../app.js';
import { type Config, configSchema } from '../config.js';
import { createSecurity, type Security } from '../security.js';

export interface RunningApp {
  url: string;
  mcpUrl: URL;
  drain: Drain;
  config: Config;
  security: Security;
  metrics: McpMetrics;
  /** The private metrics listener's URL (`/metrics`). */
  metricsUrl: string;
  /** Every log line the app wrote, as text (JSON lines). */
  logs(): string;
  close(): Promise<void>;
}

/**
 * Starts the real composition (main.ts, minus signals) on a loopback port the OS picks.
 * The socket opens first, so RESOURCE_URI can name the port (tokens must carry it as `aud`).
 */
export async function startApp(
  env: Record<string, string> = {},
  /** Runs once the URL is known, before the app is built; returns more settings (e.g. OAUTH_ISSUER). */
  prepare?: (url: string) => Promise<Record<string, string>>,
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
    REPORT_STEP_MS: '30',
    RATE_LIMIT_POINTS: '100000',
    ...env,
    ...(await prepare?.(url)),
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
  const security = await createSecurity(config, logger);
  const metrics = createMetrics({ tools: tools.map((tool) => tool.name) });
  metrics.watchRateLimiter(security.limiter);
  const mcp = createMcpHandler(
    pooledServerFactory(
      createServerFactory({
        logger,
        reportStepMs: config.REPORT_STEP_MS,
        decorate: (server) => instrumentServer(server, metrics, { logger }),
      }),
    ),
  );
  const drain = createDrain();
  const app = createApp({ config, logger, mcp, drain, security, metrics });
  const metricsServer = await serveMetrics({
    registry: metrics.registry,
    port: 0,
    token: config.METRICS_TOKEN,
  });
  handle = (request, env) => app.fetch(request, env as never);
  trackInFlight(server, drain);
  return {
    url,
    mcpUrl: new URL(config.MCP_PATH, url),
    drain,
    config,
    security,
    metrics,
    metricsUrl: metricsServer.url,
    logs: () => lines.join(''),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await mcp.close();
      await security.close();
      await metricsServer.close();
    },
  };
}
