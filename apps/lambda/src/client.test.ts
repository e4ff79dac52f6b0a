/**
 * The official SDK client through both handlers, in both eras: each HTTP request becomes a
 * Lambda event (src/test/fetch.ts). The pipeline fixture server's checks run on every lane, and
 * once, the checks of the server this function ships with.
 */
import { formatApiKeyEntry, hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { serverModule } from '@mcp-runway/example-server';
import { checkSettings, serverChecks } from '@mcp-runway/example-server/testing';
import {
  FIXTURE_WRITE_SCOPE,
  fixtureChecks,
  fixtureServerModule,
} from '@mcp-runway/testing/fixture-server';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaRuntime } from './app.js';
import { createHandlers } from './handler.js';
import { API_GATEWAY_HOST, FUNCTION_URL_HOST, testEnv } from './test/events.js';
import { bufferedFetch, streamingFetch } from './test/fetch.js';

// The server the function mounts is swappable: the pipeline is checked with the fixture
// server, and the server the function ships with runs its own checks here, its only use in
// this app's tests, with the settings its checks ask for.
const servers = [
  {
    label: 'the fixture server',
    handlers: createHandlers(() => createLambdaRuntime(testEnv, { server: fixtureServerModule })),
    checks: fixtureChecks,
    caller: 'anonymous',
  },
  {
    label: 'its own server',
    handlers: createHandlers(() =>
      createLambdaRuntime({ ...testEnv, ...checkSettings }, { server: serverModule }),
    ),
    checks: serverChecks,
    caller: 'local',
  },
] as const;
afterAll(() =>
  Promise.all(servers.map(async ({ handlers }) => (await handlers.runtime()).close())),
);

const lanes = [
  {
    label: 'API Gateway, buffered handler',
    fetch: (handlers: (typeof servers)[number]['handlers']) =>
      bufferedFetch(handlers.handler as Parameters<typeof bufferedFetch>[0], 'api-gateway-v2'),
    url: `https://${API_GATEWAY_HOST}/mcp`,
  },
  {
    label: 'Function URL, streaming handler',
    fetch: (handlers: (typeof servers)[number]['handlers']) =>
      streamingFetch(
        handlers.streamingHandler as unknown as Parameters<typeof streamingFetch>[0],
        'function-url',
      ),
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

for (const server of servers) {
  for (const lane of lanes) {
    for (const { label, era, options } of clients) {
      describe(`SDK client with ${server.label} over ${lane.label}, ${label}`, () => {
        const client = new Client({ name: 'lambda-test', version: '1.0.0' }, options);
        beforeAll(() =>
          client.connect(
            new StreamableHTTPClientTransport(new URL(lane.url), {
              fetch: lane.fetch(server.handlers),
            }),
          ),
        );
        afterAll(() => client.close());

        it(`negotiates the ${era} era`, () => expect(client.getProtocolEra()).toBe(era));
        for (const check of server.checks)
          it(check.name, () => check.run({ client, expectedCaller: server.caller }));
      });
    }
  }
}

describe('SDK client with an API key over API Gateway (AUTH_MODE=apikey), 2026-07-28', () => {
  const key = mintApiKey();
  const secured = createHandlers(() =>
    createLambdaRuntime(
      {
        ...testEnv,
        ALLOW_UNAUTHENTICATED: 'false',
        AUTH_MODE: 'apikey',
        API_KEYS: formatApiKeyEntry({
          principal: 'ci',
          scopes: [FIXTURE_WRITE_SCOPE],
          hash: hashApiKey(key),
        }),
      },
      { server: fixtureServerModule },
    ),
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
  for (const check of fixtureChecks)
    it(check.name, () => check.run({ client, expectedCaller: 'ci' }));

  it('lets the key call the tool that needs its scope', async () => {
    const written = await client.callTool({ name: 'fixture_write', arguments: {} });
    expect(written.isError).not.toBe(true);
  });
});
