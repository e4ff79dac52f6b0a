// apps/hono-http composed as main.ts composes it (createApp: the pipeline with the default
// security: no auth, in-memory rate limits; metrics with tool instrumentation; JSON logs at
// info level to stderr), serving the echo tool as its server module.
import { serve } from '@hono/node-server';
import { loadConfig } from '@mcp-runway/config';
import { trackInFlight } from '@mcp-runway/http/node';
import { createLogger } from '@mcp-runway/logging';
import { createApp } from '../../dist/app.js';
import { configSchema } from '../../dist/config.js';
import { announce, createEchoServer } from '../echo-server.mjs';

const config = loadConfig(configSchema, {
  ...process.env,
  PORT: '0',
  NODE_ENV: 'production',
  RATE_LIMIT_POINTS: '100000000',
  // The load is one anonymous client on 50 connections: the limiter runs, and never refuses.
  MAX_CONCURRENT_CALLS: '100000',
  MAX_CONCURRENT_CALLS_TOTAL: '100000',
});
const logger = createLogger({ name: 'bench', level: config.LOG_LEVEL, format: 'json' });
const echoServer = {
  info: { name: 'bench-echo', version: '1.0.0' },
  toolNames: ['echo'],
  toolPolicies: { echo: { scopes: [], cost: 1 } },
  createServerFactory:
    ({ decorate } = {}) =>
    () =>
      createEchoServer(decorate),
};
const { app, drain } = await createApp({ config, logger, server: echoServer });
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => announce(server));
trackInFlight(server, drain);
