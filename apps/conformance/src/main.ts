#!/usr/bin/env node
import type { Server } from 'node:http';
/**
 * The conformance server: every fixture the official MCP conformance suite calls for, served
 * statelessly over Streamable HTTP in both eras (2025-11-25 and 2026-07-28).
 *
 * `pnpm conformance` starts it and runs the suite against it. It is a test target, not a
 * product: it binds to loopback and admits only local Host and Origin values.
 */
import { serve } from '@hono/node-server';
import { loadConfigOrExit, logFormatFor } from '@mcp-runway/config';
import { installGracefulShutdown, trackInFlight } from '@mcp-runway/http/node';
import { createLogger } from '@mcp-runway/logging';
import { createApp } from './app.js';
import { configSchema } from './config.js';

// 1. Configuration: read and validated once; a bad value stops the process with a clear list.
const config = loadConfigOrExit(configSchema);

// 2. Logger: stderr.
const logger = createLogger({
  name: 'mcp-runway-conformance',
  level: config.LOG_LEVEL,
  format: logFormatFor(config),
});

// 3. The app: the fixtures behind the hono-http pipeline.
const { app, handler, drain } = createApp({ logger, mcpPath: config.MCP_PATH });

// 4. Listen. PORT=0 picks a free port; the line below says which (the runner reads it).
const server = serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT }, (info) => {
  const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  logger.info(
    { url: `http://${host}:${info.port}${config.MCP_PATH}` },
    'conformance server listening',
  );
}) as Server;

// 5. Shutdown: the same graceful drain as the HTTP app.
trackInFlight(server, drain);
installGracefulShutdown({
  server,
  drain,
  logger,
  timeoutMs: 5_000,
  onClosed: () => handler.close(),
});
