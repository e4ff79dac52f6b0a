import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { loadConfig } from '@mcp-runway/config';
import { createServerFactory } from '@mcp-runway/example-server';
import { createSecurity, type Security } from '@mcp-runway/hono-http/security';
import { createDrain, type Drain, pooledServerFactory } from '@mcp-runway/http';
import { trackInFlight } from '@mcp-runway/http/node';
import { createLogger } from '@mcp-runway/logging';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { createApp } from '../app.js';
import { type Config, configSchema } from '../config.js';
import { createSessions, type Sessions } from '../sessions.js';

export interface RunningApp {
  url: string;
  mcpUrl: URL;
  drain: Drain;
  config: Config;
  security: Security;
  sessions: Sessions;
  /** The Redis key prefix of this instance's sessions and events (unique per test run). */
  keyPrefix: string;
  /** Every log line the app wrote, as text (JSON lines). */
  logs(): string;
  close(): Promise<void>;
}

/**
 * Starts the real composition (main.ts, minus signals) on a loopback port the OS picks.
 * Instances given the same `keyPrefix` share sessions through Redis, as replicas would.
 */
export async function startApp(
  env: Record<string, string> = {},
  keyPrefix = `test:express-sessions:${randomUUID()}`,
): Promise<RunningApp> {
  let handle: RequestListener = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const config = loadConfig(configSchema, {
    LOG_LEVEL: 'info',
    REPORT_STEP_MS: '30',
    RATE_LIMIT_POINTS: '100000',
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
  const security = await createSecurity(config, logger);
  const factory = createServerFactory({ logger, reportStepMs: config.REPORT_STEP_MS });
  const modern = createMcpHandler(pooledServerFactory(factory), { legacy: 'reject' });
  const sessions = await createSessions(config, logger, factory, { keyPrefix });
  const drain = createDrain();
  const app = createApp({ config, logger, modern, sessions: sessions.registry, drain, security });
  handle = app;
  trackInFlight(server, drain);
  return {
    url,
    mcpUrl: new URL(config.MCP_PATH, url),
    drain,
    config,
    security,
    sessions,
    keyPrefix,
    logs: () => lines.join(''),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await sessions.close();
      await modern.close();
      await security.close();
    },
  };
}
