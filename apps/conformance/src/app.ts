import { createDrain, type Drain } from '@mcp-runway/http';
import type { Logger } from '@mcp-runway/logging';
import { createPipeline as createSessionPipeline } from '@mcp-runway/pipeline/express';
import { createPipeline } from '@mcp-runway/pipeline/hono';
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
 * The fixtures and the SDK handler in front of them. They share one bus, so a fixture's "list
 * changed" event reaches the `subscriptions/listen` streams the handler holds open.
 */
function createFixtures(options: CreateAppOptions, legacy: 'stateless' | 'reject') {
  const { logger } = options;
  const bus = new InMemoryServerEventBus((error) => logger.error({ err: error }, 'event bus'));
  const factory = createConformanceServerFactory({ ...options.fixtures, bus });
  const handler = createMcpHandler(factory, {
    legacy,
    bus,
    // The suite sends invalid requests on purpose; debug keeps a run's log readable.
    onerror: (error) => logger.debug({ err: error }, 'mcp handler reported'),
  });
  return { factory, handler };
}

/** Loopback only: the suite runs on this machine. */
const PIPELINE_CONFIG = {
  HOST: '127.0.0.1',
  ALLOWED_HOSTS: [],
  ALLOWED_ORIGINS: [],
  BODY_LIMIT: 1024 * 1024,
};

/**
 * The conformance fixtures behind the very pipeline `apps/hono-http` runs
 * (@mcp-runway/pipeline/hono: request ids, headers, CORS, Host/Origin, body checks, probes,
 * drain), so the suite judges what users deploy.
 */
export function createApp(options: CreateAppOptions): ConformanceApp {
  const { logger, mcpPath = '/mcp' } = options;

  // 2025-era requests get a fresh instance each, like 2026-07-28 ones: no sessions.
  const { handler } = createFixtures(options, 'stateless');
  const drain = createDrain();
  const app = createPipeline({
    config: { ...PIPELINE_CONFIG, MCP_PATH: mcpPath },
    logger,
    mcp: handler,
    // No auth in front of the fixtures: the suite's scenarios are about the protocol.
    toolPolicies: {},
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
 * The fixtures behind the session-lane pipeline apps/express-sessions runs
 * (@mcp-runway/pipeline/express): 2025 clients get real sessions (the
 * stateful scenarios: several SSE streams per session, resumption), 2026-07-28 clients the
 * stateless handler.
 */
export function createSessionApp(options: CreateAppOptions): ConformanceSessionApp {
  const { logger, mcpPath = '/mcp' } = options;
  const { factory, handler } = createFixtures(options, 'reject');
  const sessions = new SessionRegistry({ factory, logger });
  const drain = createDrain();
  const app = createSessionPipeline({
    config: { ...PIPELINE_CONFIG, MCP_PATH: mcpPath },
    logger,
    modern: handler,
    toolPolicies: {},
    sessions,
    drain,
  });
  return { app, handler, sessions, drain };
}
