/**
 * Rate limits through the Durable Object: every request to the Worker spends from one counter
 * per caller, kept in the `RateLimits` object, so the N+1-th call in a window is refused
 * whichever connection (or, deployed, whichever isolate and location) it arrives on.
 */
import { formatApiKeyEntry, hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { afterAll, describe, expect, it } from 'vitest';
import { startWorker } from './test/wrangler.js';

const [alice, bob] = [mintApiKey(), mintApiKey()];
const entry = (principal: string, key: string) =>
  formatApiKeyEntry({ principal, scopes: [], hash: hashApiKey(key) });
// Above every tool's cost (the limiter refuses a budget smaller than a tool's cost).
const POINTS = 10;
const worker = await startWorker({
  AUTH_MODE: 'apikey',
  API_KEYS: `${entry('alice', alice)}\n${entry('bob', bob)}`,
  RATE_LIMIT_POINTS: String(POINTS),
  RATE_LIMIT_DURATION_S: '600',
  AUTH_FAILURE_LIMIT: '2',
  AUTH_FAILURE_WINDOW_S: '600',
});
afterAll(() => worker.close());

/** A 2026-07-28 tools/list, on a fresh connection each time (no keep-alive shared). */
function list(key: string): Promise<Response> {
  return fetch(worker.mcpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${key}`,
      connection: 'close',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/list',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: {
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    }),
  });
}

describe('rate limits through the Durable Object', () => {
  it(`serves ${POINTS} calls of one caller, refuses the next with 429 and Retry-After`, async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let call = 0; call <= POINTS; call++) {
      const response = await list(alice);
      statuses.push(response.status);
      if (response.status === 429) refused = response;
      else await response.body?.cancel();
    }
    expect(statuses).toEqual([...Array<number>(POINTS).fill(200), 429]);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await refused?.json()) as { error?: { code: number } } | undefined;
    expect(body?.error?.code).toEqual(expect.any(Number));
  });

  it("keeps each caller's budget apart: another key is still served", async () => {
    const response = await list(bob);
    expect(response.status).toBe(200);
    expect(
      response.headers.get('ratelimit-remaining') ?? response.headers.get('ratelimit'),
    ).toBeTruthy();
  });

  it('refuses a client address after too many failed authentications, before the key is looked at', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) statuses.push((await list(mintApiKey())).status);
    expect(statuses).toEqual([401, 401, 429]);
    // Even a good key from that address waits out the window.
    expect((await list(bob)).status).toBe(429);
  });
});
