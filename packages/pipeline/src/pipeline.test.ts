/**
 * One policy, written once: the Hono pipeline (stateless lane) and the Express pipeline (both
 * lanes) answer the same requests the same way, in the same order of refusals, because both
 * compose the same cores. Driven in-process with raw 2026-07-28 requests against the fixture
 * server, with API keys and a small rate-limit budget.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authConfig, hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { composeConfig, loadConfig } from '@mcp-runway/config';
import { createDrain, httpConfig } from '@mcp-runway/http';
import { createLogger } from '@mcp-runway/logging';
import { createMetrics, type McpMetrics } from '@mcp-runway/metrics';
import { rateLimitConfig } from '@mcp-runway/rate-limit';
import { SessionRegistry } from '@mcp-runway/sessions';
import { modern } from '@mcp-runway/testing';
import { FIXTURE_WRITE_SCOPE, fixtureServerModule } from '@mcp-runway/testing/fixture-server';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline as createExpressPipeline } from './express/index.js';
import { createPipeline as createHonoPipeline } from './hono.js';
import { createSecurity, type Security } from './security.js';

const reader = mintApiKey();
const writer = mintApiKey();
const schema = composeConfig(httpConfig, authConfig, rateLimitConfig);
const config = loadConfig(schema, {
  BODY_LIMIT: '4kb',
  AUTH_MODE: 'apikey',
  API_KEYS: `reader::${hashApiKey(reader)},writer:${FIXTURE_WRITE_SCOPE}:${hashApiKey(writer)}`,
  // `slow` costs 5 of these: a second call in the window is refused.
  RATE_LIMIT_POINTS: '8',
});
const logger = createLogger({ name: 'pipeline-test', level: 'silent' });
const factory = fixtureServerModule.createServerFactory();

type Send = (headers: Record<string, string>, body?: string, method?: string) => Promise<Response>;
interface Lane {
  send: Send;
  close(): Promise<void>;
}

async function hono(security: Security, metrics?: McpMetrics): Promise<Lane> {
  const mcp = createMcpHandler(factory, { legacy: 'stateless' });
  const app = createHonoPipeline({
    config,
    logger,
    mcp,
    toolPolicies: fixtureServerModule.toolPolicies,
    drain: createDrain(),
    security,
    ...(metrics && { metrics }),
    clientAddress: () => '127.0.0.1',
  });
  return {
    send: async (headers, body, method = 'POST') =>
      app.request('http://127.0.0.1/mcp', {
        method,
        headers: { host: '127.0.0.1', ...headers },
        ...(body && { body }),
      }),
    close: () => mcp.close(),
  };
}

async function express(security: Security, metrics?: McpMetrics): Promise<Lane> {
  const modernLane = createMcpHandler(factory, { legacy: 'reject' });
  const sessions = new SessionRegistry({ factory, logger });
  const app = createExpressPipeline({
    config,
    logger,
    modern: modernLane,
    toolPolicies: fixtureServerModule.toolPolicies,
    sessions,
    drain: createDrain(),
    security,
    ...(metrics && { metrics }),
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    send: (headers, body, method = 'POST') =>
      fetch(`http://127.0.0.1:${port}/mcp`, { method, headers, ...(body && { body }) }),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await sessions.closeAll();
      await modernLane.close();
    },
  };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const call = (name: string, args: Record<string, unknown> = {}) =>
  modern('tools/call', { name, arguments: args });

for (const [name, build] of [
  ['Hono (stateless lane)', hono],
  ['Express (both lanes)', express],
] as const) {
  describe(`the ${name} pipeline`, () => {
    let lane: Lane;
    let security: Security;
    beforeAll(async () => {
      security = await createSecurity(config, { logger, server: fixtureServerModule });
      lane = await build(security);
    });
    afterAll(async () => {
      await lane.close();
      await security.close();
    });

    it('refuses a request without credentials with 401 and a challenge, before the body', async () => {
      const request = call('echo', { text: 'hi' });
      const response = await lane.send(request.headers, request.body);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });

    it('serves an authenticated call, and names the caller to the tool', async () => {
      const request = call('whoami');
      const response = await lane.send({ ...request.headers, ...bearer(reader) }, request.body);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('"id":"reader"');
    });

    it('checks the body after authentication: a batch is 400 -32600', async () => {
      const response = await lane.send(
        {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...bearer(reader),
        },
        '[]',
      );
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32600);
    });

    it('asks for the missing scope with 403 and a step-up challenge', async () => {
      const request = call('fixture_write');
      const response = await lane.send({ ...request.headers, ...bearer(reader) }, request.body);
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toContain(FIXTURE_WRITE_SCOPE);
      const allowed = call('fixture_write');
      const ok = await lane.send({ ...allowed.headers, ...bearer(writer) }, allowed.body);
      expect(ok.status).toBe(200);
    });

    it('charges each tool its cost and answers 429 with Retry-After when the budget is spent', async () => {
      const first = call('slow', { steps: 1, stepMs: 1 });
      const spent = await lane.send({ ...first.headers, ...bearer(writer) }, first.body);
      expect(spent.status).toBe(200);
      await spent.text();
      const second = call('slow', { steps: 1, stepMs: 1 });
      const refused = await lane.send({ ...second.headers, ...bearer(writer) }, second.body);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  });
}

/**
 * What a caller may hold at once, beside how often it may call: two tool calls and one stream
 * per caller here (the budget is large, so only the concurrency limit refuses).
 */
const heldConfig = loadConfig(schema, {
  AUTH_MODE: 'apikey',
  API_KEYS: `reader::${hashApiKey(reader)},writer:${FIXTURE_WRITE_SCOPE}:${hashApiKey(writer)}`,
  BODY_LIMIT: '4kb',
  RATE_LIMIT_POINTS: '1000',
  MAX_CONCURRENT_CALLS: '2',
  MAX_CONCURRENT_STREAMS: '1',
});
const slowCall = () => call('slow', { steps: 1, stepMs: 1_000 });
const listen = () => modern('subscriptions/listen', { notifications: { toolsListChanged: true } });

for (const [name, build] of [
  ['Hono (stateless lane)', hono],
  ['Express (both lanes)', express],
] as const) {
  describe(`the ${name} pipeline's concurrency limit`, () => {
    let lane: Lane;
    let security: Security;
    const metrics = createMetrics({ processMetrics: false });
    const refusals = async (limit: string) => {
      const line = `mcp_rate_limited_total{limit="${limit}"} `;
      const text = await metrics.registry.metrics();
      return Number(
        text
          .split('\n')
          .find((l) => l.startsWith(line))
          ?.slice(line.length) ?? 0,
      );
    };
    beforeAll(async () => {
      security = await createSecurity(heldConfig, { logger, server: fixtureServerModule });
      lane = await build(security, metrics);
    });
    afterAll(async () => {
      await lane.close();
      await security.close();
    });
    const send = (request: { headers: Record<string, string>; body: string }, key: string) =>
      lane.send({ ...request.headers, ...bearer(key) }, request.body);

    /** Until the writer holds `count` running calls. */
    async function holding(count: number): Promise<void> {
      for (let tries = 0; security.concurrency.held('principal:apikey:writer', 'call') < count; ) {
        if (++tries > 250) throw new Error(`the writer never held ${count} calls`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    it("refuses a caller's third running tool call with 429 while another caller is served", async () => {
      const running = [send(slowCall(), writer), send(slowCall(), writer)];
      await holding(2);
      const refused = await send(slowCall(), writer);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.headers.get('ratelimit-limit')).toBeNull();
      expect(((await refused.json()) as { error: { code: number } }).error.code).toBe(-31429);
      for (let tries = 0; (await refusals('concurrent_calls')) < 1 && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20)); // Express counts on 'close'
      }
      expect(await refusals('concurrent_calls')).toBe(1);
      expect(await refusals('global')).toBe(0);
      const other = await send(call('echo', { text: 'hi' }), reader);
      expect(other.status).toBe(200);
      await other.text();
      for (const response of await Promise.all(running)) {
        expect(response.status).toBe(200);
        await response.text();
      }
      // Both slots are free again, and only both: two more run, a third is refused.
      const again = [send(slowCall(), writer), send(slowCall(), writer)];
      await holding(2);
      expect((await send(slowCall(), writer)).status).toBe(429);
      for (const response of await Promise.all(again)) await response.text();
    });

    it('holds a subscriptions/listen stream until it ends: a second one waits, a tool call does not', async () => {
      const first = await send(listen(), reader);
      expect(first.status).toBe(200);
      expect(first.headers.get('content-type')).toContain('text/event-stream');
      expect((await send(listen(), reader)).status).toBe(429);
      const meanwhile = await send(call('echo', { text: 'hi' }), reader);
      expect(meanwhile.status).toBe(200);
      await meanwhile.text();
      await first.body?.cancel();
      let next = await send(listen(), reader);
      for (let tries = 0; next.status === 429 && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        next = await send(listen(), reader);
      }
      expect(next.status).toBe(200);
      await next.body?.cancel();
    });
  });
}

/** Three failed authentications per client address, then 429 before any credential check. */
const guardedConfig = loadConfig(schema, {
  AUTH_MODE: 'apikey',
  API_KEYS: `reader::${hashApiKey(reader)}`,
  BODY_LIMIT: '4kb',
  RATE_LIMIT_POINTS: '1000',
  AUTH_FAILURE_LIMIT: '3',
});

for (const [name, build] of [
  ['Hono (stateless lane)', hono],
  ['Express (both lanes)', express],
] as const) {
  describe(`the ${name} pipeline's failed-authentication limit`, () => {
    let lane: Lane;
    let security: Security;
    let checked = 0;
    const metrics = createMetrics({ processMetrics: false });
    beforeAll(async () => {
      security = await createSecurity(guardedConfig, { logger, server: fixtureServerModule });
      // Count what reaches the real API-key authenticator: a refused address must not.
      const authenticator = security.auth?.authenticator;
      if (!authenticator) throw new Error('AUTH_MODE=apikey builds an authenticator');
      const check = authenticator.authenticate.bind(authenticator);
      authenticator.authenticate = (credentials) => {
        checked++;
        return check(credentials);
      };
      lane = await build(security, metrics);
    });
    afterAll(async () => {
      await lane.close();
      await security.close();
    });

    it('refuses an address that failed too often with 429, before its credential is checked', async () => {
      const request = call('whoami');
      // A request without credentials is not a failure: it is how a client learns to log in.
      for (let attempt = 0; attempt < 5; attempt++) {
        const anonymous = await lane.send(request.headers, request.body);
        expect(anonymous.status).toBe(401);
        await anonymous.text();
      }
      for (let attempt = 0; attempt < 3; attempt++) {
        const wrong = await lane.send(
          { ...request.headers, ...bearer(mintApiKey()) },
          request.body,
        );
        expect(wrong.status).toBe(401);
        await wrong.text();
      }
      expect(checked).toBe(8);

      for (const key of [mintApiKey(), reader]) {
        const refused = await lane.send({ ...request.headers, ...bearer(key) }, request.body);
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(50);
        expect(((await refused.json()) as { error: { code: number } }).error.code).toBe(-31429);
      }
      expect(checked).toBe(8);
      const line = 'mcp_rate_limited_total{limit="auth_failures"} 2';
      for (let tries = 0; !(await metrics.registry.metrics()).includes(line) && tries < 50; ) {
        tries++;
        await new Promise((resolve) => setTimeout(resolve, 20)); // Express counts on 'close'
      }
      expect(await metrics.registry.metrics()).toContain(line);
    });
  });
}
