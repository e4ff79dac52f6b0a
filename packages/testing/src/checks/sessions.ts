/**
 * 2025-11-25 sessions. A client that loses its session must be told with 404 (it then
 * initializes again); a request without one gets 400. DELETE must really end it. And the id
 * is all that ties a request to a session: it must be unguessable.
 */
import { randomBytes } from 'node:crypto';
import type { CheckContext } from '../context.js';
import { Findings } from '../findings.js';
import { describeReply, type HttpReply } from '../http.js';
import { initialize, LEGACY_VERSION, legacy } from '../mcp.js';
import type { Check } from './check.js';

/** Positions at which two ids differ: a counter or a timestamp shares most of them. */
function differingPositions(a: string, b: string): number {
  let count = Math.abs(a.length - b.length);
  for (let index = 0; index < Math.min(a.length, b.length); index++)
    if (a[index] !== b[index]) count++;
  return count;
}

function checkIds(findings: Findings, first: string, second: string | undefined): void {
  findings.expect(
    /^[\x21-\x7e]+$/.test(first),
    'the session id is visible ASCII',
    `the session id should be visible ASCII (0x21-0x7E), got ${JSON.stringify(first)}`,
  );
  findings.expect(
    first.length >= 16,
    `the session id is ${first.length} characters long`,
    `the session id should be at least 16 characters (unguessable), got ${first.length}: ${JSON.stringify(first)}`,
  );
  if (second === undefined) {
    findings.fail('a second initialize should issue a session id too');
    return;
  }
  // A heuristic: two random ids of 16+ characters differ almost everywhere.
  findings.expect(
    differingPositions(first, second) >= 12,
    'two session ids look random (they differ almost everywhere)',
    `two session ids should look random, got ${JSON.stringify(first)} and ${JSON.stringify(second)}`,
  );
}

function ping(context: CheckContext, sessionId: string | undefined): Promise<HttpReply> {
  const version = context.profile.legacyVersion ?? LEGACY_VERSION;
  return context.post(legacy('ping', undefined, { sessionId, version }));
}

async function deletion(context: CheckContext, findings: Findings, sessionId: string) {
  const ended = await context.send({
    url: context.options.url,
    method: 'DELETE',
    headers: {
      'mcp-session-id': sessionId,
      'mcp-protocol-version': context.profile.legacyVersion ?? LEGACY_VERSION,
      ...context.options.headers,
    },
  });
  if (ended.status === 405) {
    findings.note('DELETE gets 405: clients may not end sessions (allowed; idle ones must expire)');
    return;
  }
  if (
    !findings.expect(
      ended.status >= 200 && ended.status < 300,
      `DELETE with the session id ends it (HTTP ${ended.status})`,
      `DELETE with the session id should end it (2xx, or 405 if not allowed), got ${describeReply(ended)}`,
    )
  )
    return;
  const after = await ping(context, sessionId);
  findings.expect(
    after.status === 404,
    'a request on the ended session gets 404',
    `a request on an ended session should get 404, got ${describeReply(after)}`,
  );
}

export const sessions: Check = {
  id: 'sessions',
  title: '2025 sessions: random ids, 400 without one, 404 for an unknown or ended one',
  async run(context) {
    const findings = new Findings();
    const { legacyServed, sessionId } = context.profile;
    if (!legacyServed) {
      if (!context.authorized(findings)) return findings.outcome();
      return findings.notApplicable('2025-11-25 is not served: no sessions');
    }
    if (!sessionId)
      return findings.notApplicable(
        'initialize returned no Mcp-Session-Id: the 2025 lane is stateless',
      );

    const second = (await context.post(initialize())).headers['mcp-session-id'];
    checkIds(findings, sessionId, second);
    const served = await ping(context, sessionId);
    findings.expect(
      served.status === 200 && served.message?.result !== undefined,
      'a request on the session is served',
      `a request on the session should be served, got ${describeReply(served)}`,
    );
    const missing = await ping(context, undefined);
    findings.expect(
      missing.status === 400,
      'a request without a session id gets 400',
      `a request without a session id should get 400, got ${describeReply(missing)}`,
    );
    const unknown = await ping(context, randomBytes(16).toString('hex'));
    findings.expect(
      unknown.status === 404,
      'a request with an unknown session id gets 404',
      `a request with an unknown session id should get 404, got ${describeReply(unknown)}`,
    );
    // The second session is ended, so the first stays usable for the checks that follow.
    if (second) await deletion(context, findings, second);
    return findings.outcome();
  },
};
