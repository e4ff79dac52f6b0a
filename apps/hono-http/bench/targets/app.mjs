// apps/hono-http composed as main.ts composes it (createApp: default security, no auth, rate
// limits in memory or, with REDIS_URL, in Redis through one connectRedis connection; metrics
// with tool instrumentation; JSON logs at info level to stderr), serving the echo tool.
import { serve } from '@hono/node-server';
import { loadConfig } from '@mcp-runway/config';
import { trackInFlight } from '@mcp-runway/http/node';
import { createLogger } from '@mcp-runway/logging';
import { connectRedis } from '@mcp-runway/redis';
import { createApp } from '../../dist/app.js';
import { configSchema } from '../../dist/config.js';
import { announce, echoModule } from '../echo-server.mjs';

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
const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, { logger }) : undefined;
const { app, drain } = await createApp({ config, logger, server: echoModule, redis });
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => announce(server));
trackInFlight(server, drain);
