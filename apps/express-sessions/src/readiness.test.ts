/**
 * The production-readiness kit (@mcp-runway/testing) against the session app: here the 2025
 * session rules really run (ids, 400 without one, 404 unknown or ended, the GET stream's SSE
 * headers), in memory and with sessions in Redis bound to an API-key principal. The apps start
 * at the top of the file: the kit runs while vitest collects the tests.
 */
import { randomUUID } from 'node:crypto';
import { hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { describeReadiness } from '@mcp-runway/testing/vitest';
import { afterAll } from 'vitest';
import { connectRedis, deleteKeys, SHARED_REDIS_URL } from './test/redis.js';
import { startApp } from './test/start.js';

const BROWSER_APP = 'https://app.example.com';
const streamingTool = { name: 'slow', arguments: { steps: 2, stepMs: 10 } };

// 1. One instance, sessions in memory, open on loopback, a browser app allowed.
const memory = await startApp({ ALLOWED_ORIGINS: BROWSER_APP });
afterAll(() => memory.close());
describeReadiness('express-sessions, sessions in memory, ALLOWED_ORIGINS set', {
  url: memory.mcpUrl,
  origin: BROWSER_APP,
  streamingTool,
});

// 2. Sessions in Redis (as behind a load balancer), each bound to the API key's principal.
const redis = await connectRedis(); // fails loudly when Redis is down
const keyPrefix = `test:readiness:${randomUUID()}`;
const key = mintApiKey();
const shared = await startApp(
  {
    REDIS_URL: SHARED_REDIS_URL,
    AUTH_MODE: 'apikey',
    API_KEYS: `ci-bot::${hashApiKey(key)}`,
  },
  { keyPrefix },
);
afterAll(async () => {
  await shared.close();
  await deleteKeys(redis, keyPrefix);
  redis.disconnect();
});
describeReadiness('express-sessions, sessions in Redis, AUTH_MODE=apikey', {
  url: shared.mcpUrl,
  origin: 'http://localhost:6274',
  headers: { authorization: `Bearer ${key}` },
  streamingTool,
});
