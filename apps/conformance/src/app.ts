import { createApp as createSessionPipeline } from '@mcp-runway/express-sessions/app';
import { createApp as createPipeline } from '@mcp-runway/hono-http/app';
import { createDrain, type Drain } from '@mcp-runway/http';
import type { Logger } from '@mcp-runway/logging';
import { SessionRegistry } from '@mcp-runway/sessions';
import {
  createMcpHandler,
  InMemoryServerEventBus,
  type McpHttpHandler,
} from '@modelcontextprotocol/server';
import { type ConformanceServerOptions, createConformanceServerFactory } from './fixtures/index.js';

export interface CreateAppOptions {
  logger: Logger;
  /** @default '/mcp' */
  mcpPath?: string;
  /** Fixture settings (request-state key, client-request timeout). */
  fixtures?: Omit<ConformanceServerOptions, 'bus'>;
}

export interface ConformanceApp {
  /** The Hono app: hand `app.fetch` to `serve()`, or call `app.request()` in a test. */
  app: ReturnType<typeof createPipeline>;
  /** Close on shutdown: ends open modern-era streams (`subscriptions/listen`). */
  handler: McpHttpHandler;
  drain: Drain;
}

/**
 * The conformance fixtures behind the very pipeline `apps/hono-http` runs (request ids, headers,
 * CORS, Host/Origin, body checks, probes, drain), so the suite judges what users deploy.
 */
export function createApp(options: CreateAppOptions): ConformanceApp {
  const { logger, mcpPath = '/mcp' } = options;

  // The factory and the handler share one bus, so a fixture's "list changed" event reaches
  // the `subscriptions/listen` streams the handler holds open.
  const bus = new InMemoryServerEventBus((error) => logger.error({ err: error }, 'event bus'));
  const factory = createConformanceServerFactory({ ...options.fixtures, bus });
  const handler = createMcpHandler(factory, {
    // 2025-era requests get a fresh instance each, like 2026-07-28 ones: no sessions.
    legacy: 'stateless',
    bus,
    // The suite sends invalid requests on purpose; debug keeps a run's log readable.
    onerror: (error) => logger.debug({ err: error }, 'mcp handler reported'),
  });

  const drain = createDrain();
  const app = createPipeline({
    config: {
      HOST: '127.0.0.1',
      MCP_PATH: mcpPath,
      ALLOWED_HOSTS: [],
      ALLOWED_ORIGINS: [],
      BODY_LIMIT: 1024 * 1024,
    },
    logger,
    mcp: handler,
    drain,
  });
  return { app, handler, drain };
}

export interface ConformanceSessionApp {
  /** An Express app: hand it to `http.createServer`. */
  app: ReturnType<typeof createSessionPipeline>;
  handler: McpHttpHandler;
  sessions: SessionRegistry;
  drain: Drain;
}

/**
 * The fixtures behind the express-sessions pipeline: 2025 clients get real sessions (the
 * stateful scenarios: several SSE streams per session, resumption), 2026-07-28 clients the
 * stateless handler.
 */
export function createSessionApp(options: CreateAppOptions): ConformanceSessionApp {
  const { logger, mcpPath = '/mcp' } = options;
  const bus = new InMemoryServerEventBus((error) => logger.error({ err: error }, 'event bus'));
  const factory = createConformanceServerFactory({ ...options.fixtures, bus });
  const handler = createMcpHandler(factory, {
    legacy: 'reject',
    bus,
    onerror: (error) => logger.debug({ err: error }, 'mcp handler reported'),
  });
  const sessions = new SessionRegistry({ factory, logger });
  const drain = createDrain();
  const app = createSessionPipeline({
    config: {
      HOST: '127.0.0.1',
      MCP_PATH: mcpPath,
      ALLOWED_HOSTS: [],
      ALLOWED_ORIGINS: [],
      BODY_LIMIT: 1024 * 1024,
    },
    logger,
    modern: handler,
    sessions,
    drain,
  });
  return { app, handler, sessions, drain };
}
