import { formatApiKeyEntry, hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { WRITE_SCOPE } from '@mcp-runway/example-server';
import { serverChecks } from '@mcp-runway/example-server/testing';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaRuntime } from './app.js';
import { createHandlers } from './handler.js';
import { API_GATEWAY_HOST, FUNCTION_URL_HOST, testEnv } from './test/events.js';
import { bufferedFetch, streamingFetch } from './test/fetch.js';

const handlers = createHandlers(() => createLambdaRuntime({ ...testEnv, REPORT_STEP_MS: '50' }));
afterAll(async () => (await handlers.runtime()).close());

const buffered = bufferedFetch(
  handlers.handler as Parameters<typeof bufferedFetch>[0],
  'api-gateway-v2',
);
const streaming = streamingFetch(
  handlers.streamingHandler as unknown as Parameters<typeof streamingFetch>[0],
  'function-url',
);

const lanes = [
  {
    label: 'API Gateway, buffered handler',
    fetch: buffered,
    url: `https://${API_GATEWAY_HOST}/mcp`,
  },
  {
    label: 'Function URL, streaming handler',
    fetch: streaming,
    url: `https://${FUNCTION_URL_HOST}/mcp`,
  },
] as const;
const clients = [
  { label: '2025-11-25 client', era: 'legacy', options: {} },
  {
    label: 'client pinned to 2026-07-28',
    era: 'modern',
    options: { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  },
] as const;

for (const lane of lanes) {
  for (const { label, era, options } of clients) {
    describe(`SDK client over ${lane.label}, ${label}`, () => {
      const client = new Client({ name: 'lambda-test', version: '1.0.0' }, options);
      beforeAll(() =>
        client.connect(new StreamableHTTPClientTransport(new URL(lane.url), { fetch: lane.fetch })),
      );
      afterAll(() => client.close());

      it(`negotiates the ${era} era`, () => expect(client.getProtocolEra()).toBe(era));
      for (const check of serverChecks)
        it(check.name, () => check.run({ client, expectedCaller: 'local' }));
    });
  }
}

describe('SDK client with an API key over API Gateway (AUTH_MODE=apikey), 2026-07-28', () => {
  const key = mintApiKey();
  const secured = createHandlers(() =>
    createLambdaRuntime({
      ...testEnv,
      REPORT_STEP_MS: '50',
      ALLOW_UNAUTHENTICATED: 'false',
      AUTH_MODE: 'apikey',
      API_KEYS: formatApiKeyEntry({
        principal: 'ci',
        scopes: [WRITE_SCOPE],
        hash: hashApiKey(key),
      }),
    }),
  );
  afterAll(async () => (await secured.runtime()).close());
  const client = new Client(
    { name: 'lambda-test', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  beforeAll(() =>
    client.connect(
      new StreamableHTTPClientTransport(new URL(`https://${API_GATEWAY_HOST}/mcp`), {
        fetch: bufferedFetch(
          secured.handler as Parameters<typeof bufferedFetch>[0],
          'api-gateway-v2',
        ),
        requestInit: { headers: { authorization: `Bearer ${key}` } },
      }),
    ),
  );
  afterAll(() => client.close());
  for (const check of serverChecks)
    it(check.name, () => check.run({ client, expectedCaller: 'ci' }));
});
