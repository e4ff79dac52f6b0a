import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { loadConfig } from '@mcp-runway/config';
import { createServerFactory } from '@mcp-runway/example-server';
import { createDrain, type Drain } from '@mcp-runway/http';
import { trackInFlight } from '@mcp-runway/http/node';
import { createLogger } from '@mcp-runway/logging';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { createApp } from '../app.js';
import { configSchema } from '../config.js';

export interface RunningApp {
  url: string;
  mcpUrl: URL;
  drain: Drain;
  close(): Promise<void>;
}

/** Starts the real pipeline on a loopback port chosen by the OS, composed as main.ts does. */
export async function startApp(env: Record<string, string> = {}): Promise<RunningApp> {
  const config = loadConfig(configSchema, {
    PORT: '0',
    LOG_LEVEL: 'silent',
    REPORT_STEP_MS: '30',
    ...env,
  });
  const logger = createLogger({ name: 'hono-http-test', level: config.LOG_LEVEL });
  const mcp = createMcpHandler(
    createServerFactory({ logger, reportStepMs: config.REPORT_STEP_MS }),
  );
  const drain = createDrain();
  const app = createApp({ config, logger, mcp, drain });
  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: config.HOST, port: 0 }, () =>
      resolve(started as Server),
    );
  });
  trackInFlight(server, drain);
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    mcpUrl: new URL(config.MCP_PATH, url),
    drain,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await mcp.close();
    },
  };
}
