/**
 * The audit trail as the app composes it from AUDIT_LOG (here `file:<path>`): one record per
 * tool call on a 2025 session (with its session hash, never its id) and on the 2026-07-28
 * lane, the refusal of a bad key, and no key or argument value in the file.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { hashArguments, hashSessionId } from '@mcp-runway/logging';
import { initialize, legacy, modern } from '@mcp-runway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

const key = mintApiKey();
const ARGUMENT = 'recognisable-argument-value-5a80';
const path = join(mkdtempSync(join(tmpdir(), 'audit-app-')), 'audit.log');
const records = () => {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {}
  return {
    text,
    lines: text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
};

describe('AUDIT_LOG=file:<path> on express-sessions', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({
      AUTH_MODE: 'apikey',
      API_KEYS: `auditor::${hashApiKey(key)}`,
      AUDIT_LOG: `file:${path}`,
    });
  });
  afterAll(() => app.close());

  const send = async (request: { headers: Record<string, string>; body: string }, k = key) => {
    const response = await fetch(app.mcpUrl, {
      method: 'POST',
      headers: { ...request.headers, authorization: `Bearer ${k}` },
      body: request.body,
    });
    await response.text();
    return response;
  };

  it('writes one tool-call record per call on a session and on the 2026-07-28 lane', async () => {
    const args = { text: ARGUMENT };
    const created = await send(initialize());
    expect(created.status).toBe(200);
    const sessionId = created.headers.get('mcp-session-id') ?? '';
    expect(sessionId).not.toBe('');
    const onSession = await send(
      legacy('tools/call', { name: 'echo', arguments: args }, { sessionId }),
    );
    expect(onSession.status).toBe(200);
    expect((await send(modern('tools/call', { name: 'echo', arguments: args }))).status).toBe(200);
    expect((await send(modern('tools/list'), `${key.slice(0, -4)}zzzz`)).status).toBe(401);
    await expect.poll(() => records().lines.filter((r) => r.event === 'auth').length).toBe(4);
    const { lines, text } = records();
    const calls = lines.filter((r) => r.event === 'tool_call');
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call).toMatchObject({
        audit: true,
        tool: 'echo',
        outcome: 'ok',
        principal: 'auditor',
        argsHash: hashArguments(args),
      });
    }
    expect(calls.filter((c) => c.sessionHash === hashSessionId(sessionId))).toHaveLength(1);
    expect(lines.find((r) => r.outcome === 'refused')).toMatchObject({
      status: 401,
      reason: 'invalid_token',
    });
    expect(text).not.toContain(ARGUMENT);
    expect(text).not.toContain(key);
    expect(text).not.toContain(sessionId);
    expect(text).not.toContain('zzzz');
  });
});
