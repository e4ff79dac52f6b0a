/**
 * Malformed input. Clients, proxies and attackers send broken requests; each must get the
 * status and JSON-RPC error the spec names (so a client knows what it did wrong, and a
 * dual-era client knows to stay modern), and none may take the server down. Every request
 * here differs from a valid one in exactly one way.
 */
import type { CheckContext } from '../context.js';
import { Findings } from '../findings.js';
import { describeReply, type HttpReply } from '../http.js';
import {
  LEGACY_VERSION,
  legacy,
  type McpMessage,
  MODERN_VERSION,
  modern,
  POST_HEADERS,
} from '../mcp.js';
import type { Check } from './check.js';

interface Expected {
  status: number;
  /** JSON-RPC error code; undefined: any error body. */
  code?: number;
  idNull?: boolean;
}

function judge(findings: Findings, name: string, reply: HttpReply, want: Expected): void {
  const error = reply.message?.error;
  const holds =
    reply.status === want.status &&
    error !== undefined &&
    (want.code === undefined || error.code === want.code) &&
    (!want.idNull || reply.message?.id === null);
  const expected = [
    `${want.status}`,
    want.code === undefined ? 'a JSON-RPC error' : `error ${want.code}`,
    ...(want.idNull ? ['id null'] : []),
  ].join(', ');
  const id = want.idNull && error ? ` (id ${JSON.stringify(reply.message?.id)})` : '';
  findings.expect(
    holds,
    `${name}: ${describeReply(reply)}`,
    `${name}: expected ${expected}, got ${describeReply(reply)}${id}`,
  );
}

/** The session (if any) rides along, so a session server judges the body, not the missing id. */
function sessionHeaders(context: CheckContext): Record<string, string> {
  const { sessionId, legacyVersion } = context.profile;
  return sessionId
    ? { 'mcp-session-id': sessionId, 'mcp-protocol-version': legacyVersion ?? LEGACY_VERSION }
    : {};
}

/** A valid request, to break one part of (2026-07-28 has no ping; discover is always there). */
function valid(context: CheckContext): McpMessage {
  const { modernServed, sessionId, legacyVersion } = context.profile;
  return modernServed
    ? modern('server/discover')
    : legacy('ping', undefined, { sessionId, version: legacyVersion });
}

function raw(context: CheckContext, body: string): McpMessage {
  return { headers: { ...POST_HEADERS, ...sessionHeaders(context) }, body };
}

async function bodies(context: CheckContext, findings: Findings): Promise<void> {
  const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
  judge(findings, 'invalid JSON', await context.post(raw(context, '{"jsonrpc": "2.0", "id": 1,')), {
    status: 400,
    code: -32700,
    idNull: true,
  });
  judge(
    findings,
    'JSON that is not JSON-RPC',
    await context.post(raw(context, '{"hello":"world"}')),
    {
      status: 400,
      code: -32600,
    },
  );
  judge(findings, 'a batch', await context.post(raw(context, `[${ping},${ping}]`)), {
    status: 400,
  });
}

async function headers(context: CheckContext, findings: Findings): Promise<void> {
  const message = valid(context);
  const textPlain = await context.post(message, { headers: { 'content-type': 'text/plain' } });
  findings.expect(
    textPlain.status === 415,
    'Content-Type text/plain: 415',
    `Content-Type text/plain: expected 415, got ${describeReply(textPlain)}`,
  );
  const jsonOnly = await context.post(message, { headers: { accept: 'application/json' } });
  findings.expect(
    jsonOnly.status === 406,
    'Accept without text/event-stream: 406',
    `Accept without text/event-stream: expected 406, got ${describeReply(jsonOnly)}`,
  );
}

async function methods(context: CheckContext, findings: Findings): Promise<void> {
  const { modernServed, sessionId, legacyVersion } = context.profile;
  if (!modernServed) {
    // 2025-11-25 answers an unknown method inside the exchange, so any status may carry it.
    const reply = await context.post(
      legacy('readiness/no-such-method', undefined, { sessionId, version: legacyVersion }),
    );
    judge(findings, 'an unknown method', reply, {
      status: reply.status === 404 ? 404 : 200,
      code: -32601,
    });
    findings.note('2026-07-28 not served: its header and version rules not checked');
    return;
  }
  judge(
    findings,
    'an unknown method (2026-07-28)',
    await context.post(modern('readiness/no-such-method')),
    {
      status: 404,
      code: -32601,
    },
  );
  const versionHeader = modern(
    'tools/list',
    {},
    { headers: { 'mcp-protocol-version': LEGACY_VERSION } },
  );
  judge(
    findings,
    'MCP-Protocol-Version disagreeing with _meta',
    await context.post(versionHeader),
    {
      status: 400,
      code: -32020,
    },
  );
  const methodHeader = modern('tools/list', {}, { headers: { 'mcp-method': 'prompts/list' } });
  judge(findings, 'Mcp-Method disagreeing with the body', await context.post(methodHeader), {
    status: 400,
    code: -32020,
  });
  const unsupported = await context.post(modern('tools/list', {}, { version: '2099-01-01' }));
  judge(findings, 'an unsupported protocol version', unsupported, { status: 400, code: -32022 });
  const supported = (unsupported.message?.error?.data as { supported?: unknown } | undefined)
    ?.supported;
  if (unsupported.message?.error?.code === -32022)
    findings.expect(
      Array.isArray(supported) && supported.includes(MODERN_VERSION),
      `-32022 lists the versions served (${String(supported)})`,
      `-32022 should list the versions served in data.supported, got ${JSON.stringify(supported)}`,
    );
}

async function oversized(context: CheckContext, findings: Findings): Promise<void> {
  const bytes = context.options.oversizedBodyBytes;
  const base = valid(context);
  const message = JSON.parse(base.body) as { params?: Record<string, unknown> };
  message.params = { ...message.params, padding: 'x'.repeat(bytes) };
  const reply = await context.post({ headers: base.headers, body: JSON.stringify(message) });
  findings.expect(
    reply.status === 413,
    `a ${Math.round(bytes / 1024)} KiB body: 413`,
    `a ${Math.round(bytes / 1024)} KiB body: expected 413, got ${describeReply(reply)}`,
  );
}

export const malformed: Check = {
  id: 'malformed',
  title: "malformed input gets the spec's status and JSON-RPC error, and the server keeps serving",
  async run(context) {
    const findings = new Findings();
    if (!context.authorized(findings)) return findings.outcome();
    await bodies(context, findings);
    await headers(context, findings);
    await methods(context, findings);
    await oversized(context, findings);
    const after = await context.post(valid(context));
    findings.expect(
      after.status === 200 && after.message?.result !== undefined,
      'a valid request is still served after all of that',
      `a valid request after the malformed ones should be served, got ${describeReply(after)}`,
    );
    return findings.outcome();
  },
};
