#!/usr/bin/env node
/**
 * The conformance server: every fixture the official MCP conformance suite calls for, served
 * statelessly over Streamable HTTP in both eras (2025-11-25 and 2026-07-28).
 *
 * `pnpm conformance` starts it and runs the suite against it. It is a test target, not a
 * product: it binds to loopback and admits only local Host and Origin values.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { loadConfigOrExit, logFormatFor } from '@mcp-runway/config';
import { installGracefulShutdown, trackInFlight } from '@mcp-runway/http/node';
import { createLogger } from '@mcp-runway/logging';
import { createApp, createSessionApp } from './app.js';
import { configSchema } from './config.js';

// 1. Configuration: read and validated once; a bad value stops the process with a clear list.
const config = loadConfigOrExit(configSchema);

// 2. Logger: stderr.
const logger = createLogger({
  name: 'mcp-runway-conformance',
  level: config.LOG_LEVEL,
  format: logFormatFor(config),
});

// 3. The app: the fixtures behind the Hono pipeline (stateless), or behind the
//    Express session-lane pipeline (LANE=sessions: real 2025 sessions).
const lane =
  config.LANE === 'sessions'
    ? createSessionApp({ logger, mcpPath: config.MCP_PATH })
    : createApp({ logger, mcpPath: config.MCP_PATH });
const server = (
  'sessions' in lane ? createServer(lane.app) : createAdaptorServer({ fetch: lane.app.fetch })
) as Server;

// 4. Listen. PORT=0 picks a free port; the line below says which (the runner reads it).
server.listen(config.PORT, config.HOST, () => {
  const { address, family, port } = server.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;
  logger.info(
    { url: `http://${host}:${port}${config.MCP_PATH}`, lane: config.LANE },
    'conformance server listening',
  );
});

// 5. Shutdown: the same graceful drain as the HTTP apps.
trackInFlight(server, lane.drain);
installGracefulShutdown({
  server,
  drain: lane.drain,
  logger,
  timeoutMs: 5_000,
  onDrain: () => ('sessions' in lane ? lane.sessions.closeAll({ graceMs: 1_000 }) : undefined),
  onClosed: () => lane.handler.close(),
});
