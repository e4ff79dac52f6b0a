/**
 * The exported handler (api/index.ts's `fetch`) behind a node:http server that calls it as
 * Vercel's Node.js runtime does: the official SDK client in both eras runs the example
 * server's checks, and the readiness kit runs against the URL. Two instances of the handler
 * (two Vercel instances, sharing nothing) spend from one budget through Redis.
 */
import { formatApiKeyEntry, hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { serverModule } from '@mcp-runway/example-server';
import { checkSettings, serverChecks } from '@mcp-runway/example-server/testing';
import { describeReadiness } from '@mcp-runway/testing/vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import api from '../api/index.js';
import { createVercelRuntime } from './app.js';
import { createHandler } from './handler.js';
import { serve } from './test/serve.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const key = mintApiKey();
// Every scope the server's tools ask for, so the checks reach every tool.
const scopes = [...new Set(Object.values(serverModule.toolPolicies).flatMap((p) => p.scopes))];
const env = {
  ALLOWED_HOSTS: '127.0.0.1',
  AUTH_MODE: 'apikey',
  API_KEYS: formatApiKeyEntry({ principal: 'ci', scopes, hash: hashApiKey(key) }),
  LOG_LEVEL: 'warn',
  ...checkSettings,
  RATE_LIMIT_POINTS: '100000',
};
const authorized = { authorization: `Bearer ${key}` };

// The handler api/index.ts exports reads process.env on its first request, like on Vercel.
Object.assign(process.env, env);
const served = await serve(api);
afterAll(() => served.close());

const clients = [
  { label: '2025-11-25 client', era: 'legacy', options: {} },
  {
    label: 'client pinned to 2026-07-28',
    era: 'modern',
    options: { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  },
] as const;
for (const { label, era, options } of clients) {
  describe(`SDK client through the Vercel handler, ${label}`, () => {
    const client = new Client({ name: 'vercel-test', version: '1.0.0' }, options);
    beforeAll(() =>
      client.connect(
        new StreamableHTTPClientTransport(served.mcpUrl, { requestInit: { headers: authorized } }),
      ),
    );
    afterAll(() => client.close());

    it(`negotiates the ${era} era`, () => expect(client.getProtocolEra()).toBe(era));
    for (const check of serverChecks)
      it(check.name, () => check.run({ client, expectedCaller: 'ci' }));
  });
}

describeReadiness('vercel handler, AUTH_MODE=apikey', {
  url: served.mcpUrl,
  headers: authorized,
});

describe('rate limits through Redis (REDIS_URL), shared by instances that share nothing', () => {
  const POINTS = 10;
  const prefix = `mcp-runway-test.vercel.${process.pid}.${Date.now()}`;
  const instance = () =>
    createHandler(() =>
      createVercelRuntime({
        ...env,
        RATE_LIMIT_POINTS: String(POINTS),
        RATE_LIMIT_DURATION_S: '600',
        REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
      }),
    );
  const instances = [instance(), instance()];
  afterAll(() => Promise.all(instances.map(async (one) => (await one.runtime()).close())));

  it('counts on Redis, not in memory (Redis must be running at REDIS_URL)', async () => {
    for (const one of instances) expect((await one.runtime()).security.limiter.store).toBe('redis');
  });

  it(`refuses the ${POINTS + 1}th call of a caller, whichever instance serves it`, async () => {
    const servedBoth = await Promise.all(instances.map((one) => serve(one)));
    try {
      const statuses: number[] = [];
      for (let call = 0; call <= POINTS; call++) {
        const target = servedBoth[call % 2] as (typeof servedBoth)[number];
        const response = await fetch(target.mcpUrl, {
          method: 'POST',
          headers: {
            ...authorized,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
          body: JSON.stringify({ jsonrpc: '2.0', id: call, method: 'ping' }),
        });
        statuses.push(response.status);
        if (response.status === 429)
          expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        await response.body?.cancel();
      }
      expect(statuses).toEqual([...Array<number>(POINTS).fill(200), 429]);
    } finally {
      await Promise.all(servedBoth.map((one) => one.close()));
    }
  });
});
