#!/usr/bin/env node
/**
 * An MCP server over stdio.
 *
 * A host (Claude Desktop, VS Code, the Inspector) launches this process and speaks MCP over
 * stdin/stdout. `serveStdio` reads the opening message and pins the connection to the era
 * the client speaks: 2025-11-25 (`initialize`) or 2026-07-28 (`server/discover`, `_meta`).
 * stdout belongs to the protocol, so every log line goes to stderr.
 */
import { loadConfigOrExit, logFormatFor } from '@mcp-runway/config';
import { serverModule } from '@mcp-runway/example-server';
import { createLogger } from '@mcp-runway/logging';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { configSchema } from './config.js';

// 1. Configuration: read and validated once; a bad value stops the process with a clear list.
const config = loadConfigOrExit(configSchema);

// 2. Logger: always stderr.
const logger = createLogger({
  name: 'mcp-runway-stdio',
  level: config.LOG_LEVEL,
  format: logFormatFor(config),
});

// 3. The MCP server, from one place (@mcp-runway/example-server): swap `serverModule` for yours.
const factory = serverModule.createServerFactory({ logger, settings: config });

// 4. Serve both eras on this process's stdio.
const handle = serveStdio(factory, {
  onerror: (error) => logger.error({ err: error }, 'stdio transport error'),
});
logger.info({ pid: process.pid }, 'mcp-runway stdio server ready');

// 5. Shutdown: the host closes stdin (serveStdio then closes itself) or sends a signal.
let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) process.exit(1); // a second signal: stop waiting
  closing = true;
  logger.info({ signal }, 'shutting down');
  await handle.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.stdin.on('end', () => void shutdown('stdin closed'));
