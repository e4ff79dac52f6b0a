/**
 * The Worker as an OAuth 2.1 resource server (AUTH_MODE=oauth): it discovers the issuer and
 * fetches its JWKS with the platform's `fetch`, from workerd, and verifies every token's
 * signature, issuer and audience. The authorization server is a real one on loopback.
 */
import { startAuthorizationServer, type TestAuthorizationServer } from '@mcp-runway/auth/testing';
import { serverModule } from '@mcp-runway/example-server';
import { describeReadiness } from '@mcp-runway/testing/vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, describe, expect, it } from 'vitest';
import { startWorker } from './test/wrangler.js';

const CLIENT = {
  clientId: 'worker-test',
  clientSecret: 'worker-secret-7d2a',
  scopes: ['mcp:read'],
};
let as: TestAuthorizationServer | undefined;
const worker = await startWorker(
  { AUTH_MODE: 'oauth', OAUTH_SCOPES: 'mcp:read', BODY_LIMIT: '4kb', RATE_LIMIT_POINTS: '100000' },
  {
    prepare: async (url) => {
      const resource = new URL('/mcp', url).href;
      as = await startAuthorizationServer({
        resources: { [resource]: 'jwt', 'https://other.example/mcp': 'jwt' },
        scopes: ['mcp:read'],
        clients: [CLIENT],
      });
      return { OAUTH_ISSUER: as.issuer, RESOURCE_URI: resource };
    },
  },
);
afterAll(async () => {
  await worker.close();
  await as?.close();
});
if (!as) throw new Error('the authorization server did not start');
const issuer: TestAuthorizationServer = as;
const token = await issuer.token(CLIENT, { resource: worker.mcpUrl.href });

describe('OAuth on the Worker', () => {
  it('answers a request without a token with 401 naming the resource metadata', async () => {
    const response = await fetch(worker.mcpUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain(
      `resource_metadata="${new URL('/.well-known/oauth-protected-resource/mcp', worker.url).href}"`,
    );
  });

  it('refuses a token issued for another audience', async () => {
    const foreign = await issuer.token(CLIENT, { resource: 'https://other.example/mcp' });
    const client = new Client({ name: 'worker-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(worker.mcpUrl, {
      requestInit: { headers: { authorization: `Bearer ${foreign}` } },
    });
    await expect(client.connect(transport)).rejects.toThrow(/401|nauthorized/);
  });

  for (const [era, options] of [
    ['legacy', {}],
    ['modern', { versionNegotiation: { mode: { pin: '2026-07-28' as const } } }],
  ] as const) {
    it(`serves the SDK client with a valid token, ${era} era`, async () => {
      const client = new Client({ name: 'worker-test', version: '1.0.0' }, options);
      await client.connect(
        new StreamableHTTPClientTransport(worker.mcpUrl, {
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      );
      expect(client.getProtocolEra()).toBe(era);
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual([...serverModule.toolNames].sort());
      await client.close();
    });
  }
});

describeReadiness('cloudflare-workers, AUTH_MODE=oauth (wrangler dev)', {
  url: worker.mcpUrl,
  headers: { authorization: `Bearer ${token}` },
  requireOAuth: true,
  preregisteredClients: true,
  oversizedBodyBytes: 8 * 1024,
});
