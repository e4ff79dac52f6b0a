/**
 * SSE through proxies. nginx buffers responses unless told `X-Accel-Buffering: no`; caches and
 * CDNs hold or transform what may be cached; compression middleware waits for a full buffer
 * before it sends a byte. Any of them turns a stream of progress events into one late burst,
 * or into a timeout. A stream also has no length: a Content-Length on it is a buffered body.
 */
import type { CheckContext } from '../context.js';
import { Findings } from '../findings.js';
import { describeReply, type HttpReply } from '../http.js';
import { initialize, legacy, type McpMessage, modern } from '../mcp.js';
import type { Check } from './check.js';

/** Invites compression: a server that compresses SSE shows it here. */
const ACCEPT_ENCODING = { 'accept-encoding': 'gzip, deflate, br' };

function judge(findings: Findings, label: string, reply: HttpReply): void {
  const h = reply.headers;
  const cache = (h['cache-control'] ?? '').toLowerCase();
  findings.expect(
    /\bno-(cache|store)\b/.test(cache),
    `${label}: Cache-Control ${h['cache-control']}`,
    `${label}: Cache-Control should be no-cache, got ${h['cache-control'] ? `"${h['cache-control']}"` : 'none'}`,
  );
  findings.expect(
    (h['x-accel-buffering'] ?? '').toLowerCase() === 'no',
    `${label}: X-Accel-Buffering no`,
    `${label}: X-Accel-Buffering should be "no", got ${h['x-accel-buffering'] ? `"${h['x-accel-buffering']}"` : 'none'} (nginx buffers the stream)`,
  );
  findings.expect(
    h['content-length'] === undefined,
    `${label}: no Content-Length`,
    `${label}: a stream should have no Content-Length, got ${h['content-length']} (buffered whole)`,
  );
  const encoding = (h['content-encoding'] ?? 'identity').toLowerCase();
  findings.expect(
    encoding === 'identity',
    `${label}: not compressed`,
    `${label}: should not be compressed, got Content-Encoding ${encoding} (held until a buffer fills)`,
  );
}

/** Every way a generic server may answer with a stream, each labelled. */
async function streams(context: CheckContext, findings: Findings): Promise<[string, HttpReply][]> {
  const { legacyServed, modernServed, sessionId, legacyVersion } = context.profile;
  const found: [string, HttpReply][] = [];
  const tried: [string, () => Promise<HttpReply>][] = [];
  const post = (message: McpMessage) => () => context.post(message, { headers: ACCEPT_ENCODING });
  if (legacyServed) tried.push(['the initialize answer', post(initialize())]);
  if (sessionId)
    tried.push([
      'the session GET stream',
      () =>
        context.send({
          url: context.options.url,
          method: 'GET',
          headers: {
            accept: 'text/event-stream',
            'mcp-session-id': sessionId,
            'mcp-protocol-version': legacyVersion ?? '',
            ...ACCEPT_ENCODING,
            ...context.options.headers,
          },
          read: 'headers',
        }),
    ]);
  const tool = context.options.streamingTool;
  if (tool) {
    const params = {
      name: tool.name,
      arguments: tool.arguments ?? {},
      _meta: { progressToken: 'readiness-progress' },
    };
    if (legacyServed)
      tried.push([
        `the 2025-11-25 ${tool.name} call`,
        post(legacy('tools/call', params, { sessionId, version: legacyVersion })),
      ]);
    if (modernServed)
      tried.push([`the 2026-07-28 ${tool.name} call`, post(modern('tools/call', params))]);
  }
  for (const [label, attempt] of tried) {
    const reply = await attempt();
    if (reply.sse && reply.status === 200) found.push([label, reply]);
    else
      findings.note(
        `${label}: ${describeReply(reply)}, ${reply.headers['content-type'] ?? 'no content type'}`,
      );
  }
  return found;
}

export const sse: Check = {
  id: 'sse',
  title: 'SSE answers are not buffered, cached or compressed on the way',
  async run(context) {
    const findings = new Findings();
    if (!context.authorized(findings)) return findings.outcome();
    const found = await streams(context, findings);
    for (const [label, reply] of found) judge(findings, label, reply);
    if (found.length > 0) return findings.outcome();
    const tool = context.options.streamingTool;
    return findings.notApplicable(
      `nothing answered with text/event-stream (initialize, ${context.profile.sessionId ? 'the session GET stream, ' : ''}${tool ? `a ${tool.name} call with a progress token` : 'no streamingTool given'})`,
    );
  },
};
