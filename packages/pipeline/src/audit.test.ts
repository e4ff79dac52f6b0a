/**
 * The audit trail through both pipelines, real servers and real requests: one record per tool
 * call (2026-07-28 and stateless 2025 on Hono; 2026-07-28 and a 2025 session on Express), one
 * per authentication decision (accepted, or refused with 401, 403 or 429 and the reason), and
 * not one argument value or credential anywhere in the stream.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { authConfig, hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { composeConfig, loadConfig } from '@mcp-runway/config';
import { createDrain, httpConfig } from '@mcp-runway/http';
import { type AuditLog, createAuditLog, createLogger, hashArguments } from '@mcp-runway/logging';
import { createMetrics, instrumentServer } from '@mcp-runway/metrics';
import { rateLimitConfig } from '@mcp-runway/rate-limit';
import { SessionRegistry } from '@mcp-runway/sessions';
import { initialize, legacy, modern } from '@mcp-runway/testing';
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
const logger = createLogger({ name: 'audit-test', level: 'silent' });
const SECRET_ARGUMENT = 'recognisable-argument-value-7f3a';

function auditStream() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  const text = () => chunks.join('');
  const records = () =>
    text()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { audit: createAuditLog({ stream }), text, records };
}

type Send = (headers: Record<string, string>, body?: string) => Promise<Response>;
interface Lane {
  send: Send;
  close(): Promise<void>;
}

// As in the apps: the pipeline's metrics bind the request id the tool-call record carries.
function factoryWith(audit: AuditLog) {
  const metrics = createMetrics({ processMetrics: false });
  const factory = fixtureServerModule.createServerFactory({
    decorate: (server) => instrumentServer(server, metrics, { audit }),
  });
  return { factory, metrics };
}

async function hono(security: Security, audit: AuditLog): Promise<Lane> {
  const { factory, metrics } = factoryWith(audit);
  const mcp = createMcpHandler(factory, { legacy: 'stateless' });
  const app = createHonoPipeline({
    config,
    logger,
    mcp,
    toolPolicies: fixtureServerModule.toolPolicies,
    drain: createDrain(),
    security,
    metrics,
    audit,
    clientAddress: () => '127.0.0.1',
  });
  return {
    send: async (headers, body) =>
      app.request('http://127.0.0.1/mcp', {
        method: 'POST',
        headers: { host: '127.0.0.1', ...headers },
        ...(body && { body }),
      }),
    close: () => mcp.close(),
  };
}

async function express(security: Security, audit: AuditLog): Promise<Lane> {
  const { factory, metrics } = factoryWith(audit);
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
    metrics,
    audit,
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    send: (headers, body) =>
      fetch(`http://127.0.0.1:${port}/mcp`, { method: 'POST', headers, ...(body && { body }) }),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await sessions.closeAll();
      await modernLane.close();
    },
  };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

for (const [name, build] of [
  ['Hono (stateless lane)', hono],
  ['Express (both lanes)', express],
] as const) {
  describe(`the audit trail on the ${name} pipeline`, () => {
    let lane: Lane;
    let security: Security;
    const out = auditStream();
    const toolCalls = () => out.records().filter((r) => r.event === 'tool_call');
    const decisions = () => out.records().filter((r) => r.event === 'auth');
    // Records are written as the exchange closes (Express) or the handler returns (Hono).
    const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

    beforeAll(async () => {
      security = await createSecurity(config, { logger, server: fixtureServerModule });
      lane = await build(security, out.audit);
    });
    afterAll(async () => {
      await lane.close();
      await security.close();
    });

    it('records a 2026-07-28 tool call once, with its arguments hashed, and the decision', async () => {
      const before = toolCalls().length;
      const args = { text: SECRET_ARGUMENT };
      const request = modern('tools/call', { name: 'echo', arguments: args });
      const response = await lane.send({ ...request.headers, ...bearer(reader) }, request.body);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain(SECRET_ARGUMENT);
      await settle();
      const calls = toolCalls().slice(before);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({
        audit: true,
        tool: 'echo',
        outcome: 'ok',
        principal: 'reader',
        clientId: 'reader',
        argsHash: hashArguments(args),
      });
      expect(typeof calls[0]?.requestId).toBe('string');
      const decision = decisions().find((d) => d.requestId === calls[0]?.requestId);
      expect(decision).toMatchObject({
        outcome: 'accepted',
        principal: 'reader',
        tool: 'echo',
      });
    });

    it('records a 2025 tool call once (a session on Express, stateless on Hono)', async () => {
      let sessionId: string | undefined;
      if (name.startsWith('Express')) {
        const start = initialize();
        const created = await lane.send({ ...start.headers, ...bearer(reader) }, start.body);
        expect(created.status).toBe(200);
        sessionId = created.headers.get('mcp-session-id') ?? undefined;
        await created.text();
        expect(sessionId).toBeDefined();
      }
      await settle();
      const before = toolCalls().length;
      const request = legacy(
        'tools/call',
        { name: 'echo', arguments: { text: SECRET_ARGUMENT } },
        { sessionId },
      );
      const response = await lane.send({ ...request.headers, ...bearer(reader) }, request.body);
      expect(response.status).toBe(200);
      await response.text();
      await settle();
      const calls = toolCalls().slice(before);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ tool: 'echo', outcome: 'ok', principal: 'reader' });
      if (sessionId) {
        expect(calls[0]?.sessionHash).toMatch(/^[0-9a-f]{16}$/);
        expect(out.text()).not.toContain(sessionId);
      }
    });

    it('records refusals with their reasons: 401 bad key, 403 scope, 429 limit', async () => {
      const badKey = `${reader.slice(0, -4)}zzzz`;
      const unknown = modern('tools/call', { name: 'echo', arguments: { text: SECRET_ARGUMENT } });
      const denied = await lane.send({ ...unknown.headers, ...bearer(badKey) }, unknown.body);
      expect(denied.status).toBe(401);
      await denied.text();

      const write = modern('tools/call', { name: 'fixture_write', arguments: {} });
      const forbidden = await lane.send({ ...write.headers, ...bearer(reader) }, write.body);
      expect(forbidden.status).toBe(403);
      await forbidden.text();

      const slow = () => modern('tools/call', { name: 'slow', arguments: { steps: 1, stepMs: 1 } });
      const first = slow();
      const spent = await lane.send({ ...first.headers, ...bearer(writer) }, first.body);
      expect(spent.status).toBe(200);
      await spent.text();
      const second = slow();
      const limited = await lane.send({ ...second.headers, ...bearer(writer) }, second.body);
      expect(limited.status).toBe(429);
      await limited.text();
      await settle();

      const refused = decisions().filter((d) => d.outcome === 'refused');
      expect(refused).toContainEqual(
        expect.objectContaining({ status: 401, reason: 'invalid_token' }),
      );
      expect(refused).toContainEqual(
        expect.objectContaining({
          status: 403,
          reason: 'insufficient_scope',
          principal: 'reader',
          tool: 'fixture_write',
        }),
      );
      expect(refused).toContainEqual(
        expect.objectContaining({ status: 429, principal: 'writer', tool: 'slow' }),
      );
      expect(refused.find((d) => d.status === 429)?.reason as string | undefined).toMatch(
        /^rate_limited/,
      );
      // A refused call never reached the tool: no tool_call record for fixture_write.
      expect(toolCalls().some((r) => r.tool === 'fixture_write')).toBe(false);
    });

    it('holds no argument value, API key or bearer token anywhere in the stream', () => {
      const text = out.text();
      expect(text.length).toBeGreaterThan(0);
      expect(text).not.toContain(SECRET_ARGUMENT);
      expect(text).not.toContain(reader);
      expect(text).not.toContain(writer);
      expect(text).not.toContain('zzzz');
      expect(text).not.toMatch(/bearer/i);
    });
  });
}
