/**
 * Both eras answer. Most clients in the wild still speak 2025-11-25 (initialize, maybe a
 * session); new ones speak 2026-07-28 (`server/discover`, `_meta` on every request). A server
 * that drops either loses those clients, and a proxy or middleware that mangles one lane (a
 * header it strips, a session it loses) shows up here first.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CheckContext } from '../context.js';
import { Findings } from '../findings.js';
import { describeReply, type HttpReply } from '../http.js';
import { CLIENT_INFO, LEGACY_VERSION, legacy, MODERN_VERSION, modern } from '../mcp.js';
import { type Check, errorMessage, isObject } from './check.js';

type Probe = 'tools/list' | 'ping' | 'server/discover';

/**
 * tools/list when the server has tools; else what every server answers: ping (2025-11-25), or
 * server/discover again (2026-07-28 has no ping).
 */
function listMethod(reply: HttpReply, fallback: Probe): Probe {
  const capabilities = reply.message?.result?.capabilities;
  return isObject(capabilities) && 'tools' in capabilities ? 'tools/list' : fallback;
}

function answered(reply: HttpReply, method: Probe): boolean {
  const result = reply.message?.result;
  return (
    reply.status === 200 &&
    isObject(result) &&
    (method !== 'tools/list' || Array.isArray(result.tools))
  );
}

async function legacyLane(context: CheckContext, findings: Findings): Promise<void> {
  const { legacy: reply, legacyServed, sessionId, legacyVersion } = context.profile;
  const served = findings.expect(
    legacyServed,
    `2025-11-25: initialize answered (version ${legacyVersion}, ${sessionId ? 'a session' : 'no session'})`,
    `2025-11-25: initialize should get 200 with an InitializeResult, got ${describeReply(reply)}`,
  );
  if (!served) return;
  const lane = { sessionId, version: legacyVersion };
  const initialized = await context.post(
    legacy('notifications/initialized', undefined, lane, true),
  );
  findings.expect(
    initialized.status === 202,
    '2025-11-25: notifications/initialized got 202 Accepted',
    `2025-11-25: notifications/initialized should get 202 Accepted, got ${describeReply(initialized)}`,
  );
  const method = listMethod(reply, 'ping');
  const listed = await context.post(legacy(method, undefined, lane));
  findings.expect(
    answered(listed, method),
    `2025-11-25: ${method} answered${sessionId ? ' on the session' : ''}`,
    `2025-11-25: ${method} should get a result, got ${describeReply(listed)}`,
  );
}

async function modernLane(context: CheckContext, findings: Findings): Promise<void> {
  const { modern: reply, modernServed } = context.profile;
  const versions = reply.message?.result?.supportedVersions;
  const served = findings.expect(
    modernServed,
    `2026-07-28: server/discover answered (versions ${String(versions)})`,
    `2026-07-28: server/discover should get 200 with supportedVersions listing ${MODERN_VERSION}, got ${describeReply(reply)}`,
  );
  if (!served) return;
  const method = listMethod(reply, 'server/discover');
  const listed = await context.post(modern(method));
  findings.expect(
    answered(listed, method),
    `2026-07-28: ${method} answered`,
    `2026-07-28: ${method} should get a result, got ${describeReply(listed)}`,
  );
}

/** The official client, the way applications connect: proof beyond hand-built requests. */
async function sdkClient(
  context: CheckContext,
  findings: Findings,
  era: 'legacy' | 'modern',
): Promise<void> {
  const label = era === 'legacy' ? LEGACY_VERSION : MODERN_VERSION;
  const client = new Client(
    CLIENT_INFO,
    era === 'modern' ? { versionNegotiation: { mode: { pin: MODERN_VERSION } } } : {},
  );
  const transport = new StreamableHTTPClientTransport(context.options.url, {
    requestInit: { headers: context.options.headers },
  });
  const timeout = context.options.timeoutMs;
  try {
    await client.connect(transport, { timeout });
    // connect already exchanged initialize or server/discover; one more call proves the era.
    if (client.getServerCapabilities()?.tools) await client.listTools(undefined, { timeout });
    else if (era === 'legacy') await client.ping({ timeout });
    findings.expect(
      client.getProtocolEra() === era,
      `${label}: the official SDK client connected and listed`,
      `${label}: the official SDK client connected in the ${String(client.getProtocolEra())} era, expected ${era}`,
    );
  } catch (error) {
    findings.fail(`${label}: the official SDK client failed: ${errorMessage(error)}`);
  } finally {
    if (transport.sessionId) await transport.terminateSession().catch(() => undefined);
    await client.close().catch(() => undefined);
  }
}

export const eras: Check = {
  id: 'eras',
  title: 'both protocol eras answer, raw and through the official SDK client',
  async run(context) {
    const findings = new Findings();
    if (!context.authorized(findings)) return findings.outcome();
    const expected = context.options.eras;
    if (expected.includes(LEGACY_VERSION)) {
      await legacyLane(context, findings);
      if (context.profile.legacyServed) await sdkClient(context, findings, 'legacy');
    } else findings.note(`${LEGACY_VERSION} not expected (eras option): not checked`);
    if (expected.includes(MODERN_VERSION)) {
      await modernLane(context, findings);
      if (context.profile.modernServed) await sdkClient(context, findings, 'modern');
    } else findings.note(`${MODERN_VERSION} not expected (eras option): not checked`);
    return findings.outcome();
  },
};
