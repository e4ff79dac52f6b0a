/**
 * The Worker on workerd (`wrangler dev --local`, offline) with API keys: the official SDK
 * client in both eras runs the example server's checks, auth refusals, the bad-input table,
 * and the production-readiness kit against the local URL.
 */
import { formatApiKeyEntry, hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { serverModule } from '@mcp-runway/example-server';
import { checkSettings, serverChecks } from '@mcp-runway/example-server/testing';
import { badInputCases, send } from '@mcp-runway/testing/bad-input';
import { describeReadiness } from '@mcp-runway/testing/vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from './test/wrangler.js';

const key = mintApiKey();
// Every scope the server's tools ask for, so the checks reach every tool.
const scopes = [...new Set(Object.values(serverModule.toolPolicies).flatMap((p) => p.scopes))];
const worker = await startWorker({
  AUTH_MODE: 'apikey',
  API_KEYS: formatApiKeyEntry({ principal: 'ci', scopes, hash: hashApiKey(key) }),
  BODY_LIMIT: '4kb',
  // A browser app allowed by CORS, for the readiness kit's CORS check.
  ALLOWED_ORIGINS: 'https://app.example.com',
  ...checkSettings,
  // The checks, the table and the kit send a few hundred requests: no limit gets in the way.
  RATE_LIMIT_POINTS: '100000',
  AUTH_FAILURE_LIMIT: '1000',
});
afterAll(() => worker.close());
const authorized = { authorization: `Bearer ${key}` };

const clients = [
  { label: '2025-11-25 client', era: 'legacy', options: {} },
  {
    label: 'client pinned to 2026-07-28',
    era: 'modern',
    options: { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  },
] as const;
for (const { label, era, options } of clients) {
  describe(`SDK client on the Worker with an API key, ${label}`, () => {
    const client = new Client({ name: 'worker-test', version: '1.0.0' }, options);
    beforeAll(() =>
      client.connect(
        new StreamableHTTPClientTransport(worker.mcpUrl, { requestInit: { headers: authorized } }),
      ),
    );
    afterAll(() => client.close());

    it(`negotiates the ${era} era`, () => expect(client.getProtocolEra()).toBe(era));
    for (const check of serverChecks)
      it(check.name, () => check.run({ client, expectedCaller: 'ci' }));
  });
}

describe('auth refusals on the Worker', () => {
  const list = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  };

  it('refuses a request without a key with 401 and a Bearer challenge', async () => {
    const response = await fetch(worker.mcpUrl, { method: 'POST', headers, body: list });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('refuses a wrong key with 401 and error="invalid_token"', async () => {
    const response = await fetch(worker.mcpUrl, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${mintApiKey()}` },
      body: list,
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });
});

describe('bad input on the Worker', () => {
  for (const testCase of badInputCases) {
    it(`answers ${testCase.name} with ${testCase.status}`, async () => {
      const reply = await send(worker.url, {
        ...testCase,
        headers: { ...authorized, ...testCase.headers },
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(testCase.status);
      if (testCase.code !== null) expect(reply.body.error?.code).toBe(testCase.code);
      testCase.check?.(reply);
    });
  }
});

describe('logs on the Worker', () => {
  it('writes each request as one JSON line on the console, without the key', () => {
    const lines = worker
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"path":"/mcp"'));
    expect(lines.length, worker.output().slice(-3000)).toBeGreaterThan(0);
    const record = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(record).toMatchObject({ level: expect.any(String), method: 'POST', path: '/mcp' });
    expect(record.requestId).toEqual(expect.any(String));
    expect(worker.output()).not.toContain(key);
  });
});

describeReadiness('cloudflare-workers, AUTH_MODE=apikey (wrangler dev)', {
  url: worker.mcpUrl,
  headers: authorized,
  origin: 'https://app.example.com',
  oversizedBodyBytes: 8 * 1024,
});
