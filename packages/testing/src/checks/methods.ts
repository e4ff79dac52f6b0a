/**
 * GET and DELETE. A 2025 client opens a GET stream after initialize and may DELETE its session;
 * what the server answers tells it what to do next. A stateless endpoint must say 405 (with
 * Allow), so clients carry on without a stream: a 404 or a stream that never speaks makes
 * some clients retry forever or give up. A session endpoint answers 400 without a session id.
 */
import type { CheckContext } from '../context.js';
import { Findings } from '../findings.js';
import { describeReply, type HttpReply } from '../http.js';
import { LEGACY_VERSION } from '../mcp.js';
import type { Check } from './check.js';

function request(context: CheckContext, method: 'GET' | 'DELETE'): Promise<HttpReply> {
  return context.send({
    url: context.options.url,
    method,
    headers: {
      ...(method === 'GET' && { accept: 'text/event-stream' }),
      'mcp-protocol-version': context.profile.legacyVersion ?? LEGACY_VERSION,
      ...context.options.headers,
    },
    // A server that wrongly opens a stream would keep it open: the status is all we need.
    read: 'headers',
  });
}

function stateless(findings: Findings, method: string, reply: HttpReply): void {
  const allow = reply.headers.allow;
  findings.expect(
    reply.status === 405 && allow !== undefined,
    `${method} gets 405 with Allow: ${allow}`,
    `${method} on a stateless endpoint should get 405 with an Allow header, got ${describeReply(reply)}${reply.status === 405 ? ' without Allow' : ''}`,
  );
}

function withoutSession(findings: Findings, method: string, reply: HttpReply): void {
  findings.expect(
    reply.status === 400 || reply.status === 405,
    `${method} without a session id gets ${reply.status}`,
    `${method} without a session id should get 400 (or 405 where ${method} is not offered), got ${describeReply(reply)}`,
  );
}

export const methods: Check = {
  id: 'methods',
  title:
    'GET and DELETE get 405 on a stateless endpoint, 400 without a session id on a session one',
  async run(context) {
    const findings = new Findings();
    if (!context.authorized(findings)) return findings.outcome();
    const sessions = context.profile.sessionId !== undefined;
    const judge = sessions ? withoutSession : stateless;
    findings.note(
      sessions ? 'initialize issued a session id: session rules' : 'no session id: stateless rules',
    );
    judge(findings, 'GET', await request(context, 'GET'));
    judge(findings, 'DELETE', await request(context, 'DELETE'));
    return findings.outcome();
  },
};
