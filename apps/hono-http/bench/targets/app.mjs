// apps/hono-http as it runs in production (its createApp pipeline, JSON logs at info level
// to stderr), serving the echo tool instead of the ticket board.
import { serve } from '@hono/node-server';
import { loadConfig } from '@mcp-runway/config';
import { createDrain } from '@mcp-runway/http';
import { trackInFlight } from '@mcp-runway/http/node';
import { createLogger } from '@mcp-runway/logging';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { createApp } from '../../dist/app.js';
import { configSchema } from '../../dist/config.js';
import { announce, createEchoServer } from '../echo-server.mjs';

const config = loadConfig(configSchema, { ...process.env, PORT: '0', NODE_ENV: 'production' });
const logger = createLogger({ name: 'bench', level: config.LOG_LEVEL, format: 'json' });
const mcp = createMcpHandler(createEchoServer);
const drain = createDrain();
const app = createApp({ config, logger, mcp, drain });
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => announce(server));
trackInFlight(server, drain);
