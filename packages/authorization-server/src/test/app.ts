/**
 * The HTTP app as apps/hono-http composes it (security, the stateless SDK handler, the Hono
 * pipeline) with the built-in authorization server mounted on the same origin, around the
 * pipeline fixture server. Apps are leaves, so the tests here compose it themselves.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import { authConfig } from '@mcp-runway/auth';
import { composeConfig, loadConfig } from '@mcp-runway/config';
import { createDrain, httpConfig } from '@mcp-runway/http';
import { createLogger } from '@mcp-runway/logging';
import { createSecurity } from '@mcp-runway/pipeline';
import { createPipeline } from '@mcp-runway/pipeline/hono';
import { rateLimitConfig } from '@mcp-runway/rate-limit';
import { closeRedis, connectRedis, redisConfig } from '@mcp-runway/redis';
import { fixtureServerModule } from '@mcp-runway/testing/fixture-server';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { authorizationServerConfig } from '../config.js';
import { createAuthorizationServerFromConfig } from '../from-config.js';
import { mountAuthorizationServer } from '../hono.js';

export const schema = composeConfig(
  httpConfig,
  authConfig,
  rateLimitConfig,
  redisConfig,
  authorizationServerConfig,
);

export interface RunningApp {
  url: string;
  mcpUrl: URL;
  logs(): string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Runs once the URL is known, before the app is built; returns more settings. */
  prepare?: (url: string) => Promise<Record<string, string>>;
  /** The consent token clock. */
  now?: () => number;
  /** The origin clients use, when a proxy stands in front (several replicas). @default the app's own */
  publicUrl?: string;
}

export async function startApp(
  env: Record<string, string>,
  options: StartOptions = {},
): Promise<RunningApp> {
  let handle = (_request: Request, _env: unknown): Response | Promise<Response> =>
    new Response(null, { status: 503 });
  const server = await new Promise<Server>((resolve) => {
    const started = serve(
      { fetch: (request, bindings) => handle(request, bindings), hostname: '127.0.0.1', port: 0 },
      () => resolve(started as Server),
    );
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = loadConfig(schema, {
    AUTH_MODE: 'oauth',
    OAUTH_SERVER: 'builtin',
    RATE_LIMIT_POINTS: '100000',
    LOG_LEVEL: 'info',
    ...env,
    ...(await options.prepare?.(url)),
    PORT: new URL(url).port,
    RESOURCE_URI: `${options.publicUrl ?? url}/mcp`,
  });
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({
    name: 'authorization-server-test',
    level: config.LOG_LEVEL,
    destination,
  });
  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, { logger }) : undefined;
  const authorizationServer = await createAuthorizationServerFromConfig(config, {
    redis,
    logger,
    resourceName: fixtureServerModule.info.name,
    toolPolicies: fixtureServerModule.toolPolicies,
    ...(options.now && { now: options.now }),
  });
  if (!authorizationServer) throw new Error('expected OAUTH_SERVER=builtin');
  const security = await createSecurity(config, {
    logger,
    server: fixtureServerModule,
    redis,
    authorizationServer,
  });
  const mcp = createMcpHandler(fixtureServerModule.createServerFactory(), { legacy: 'stateless' });
  const app = createPipeline({
    config,
    logger,
    mcp,
    toolPolicies: fixtureServerModule.toolPolicies,
    drain: createDrain(),
    security,
  });
  mountAuthorizationServer(app, authorizationServer);
  handle = (request, bindings) => app.fetch(request, bindings as never);
  return {
    url,
    mcpUrl: new URL('/mcp', url),
    logs: () => lines.join(''),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      authorizationServer.close();
      await mcp.close();
      await security.close();
      await closeRedis(redis);
    },
  };
}
