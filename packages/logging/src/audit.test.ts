import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { canonicalJson, createAuditLog, hashArguments, parseAuditDestination } from './index.js';

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('hashArguments', () => {
  it('is stable for equal arguments whatever the key order, and differs for other values', () => {
    const a = hashArguments({ query: 'x', limit: 3, filter: { tag: 'a', since: 1 } });
    const b = hashArguments({ filter: { since: 1, tag: 'a' }, limit: 3, query: 'x' });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(hashArguments({ query: 'y', limit: 3, filter: { tag: 'a', since: 1 } })).not.toBe(a);
    expect(hashArguments(undefined)).toBe(hashArguments({}));
    expect(canonicalJson({ b: [2, { d: 1, c: null }], a: 'é' })).toBe(
      '{"a":"é","b":[2,{"c":null,"d":1}]}',
    );
  });
});

describe('createAuditLog', () => {
  it('writes one JSON line per record, marked audit, with only the fields it was given', () => {
    const out = capture();
    const audit = createAuditLog({ stream: out.stream });
    audit.toolCall({
      tool: 'search',
      outcome: 'ok',
      principal: 'alice',
      clientId: 'app-1',
      requestId: 'req-1',
      mcpRequestId: 7,
      argsHash: hashArguments({ q: 'the-argument-value' }),
    });
    audit.auth({ outcome: 'refused', reason: 'invalid_token', status: 401, requestId: 'req-2' });
    const lines = out
      .text()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      audit: true,
      name: 'audit',
      event: 'tool_call',
      tool: 'search',
      outcome: 'ok',
      principal: 'alice',
      clientId: 'app-1',
      requestId: 'req-1',
      mcpRequestId: 7,
    });
    expect(typeof lines[0]?.time).toBe('string');
    expect(lines[1]).toMatchObject({ event: 'auth', outcome: 'refused', reason: 'invalid_token' });
    expect(out.text()).not.toContain('the-argument-value');
  });

  it('appends to a file destination, and off writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    const path = join(dir, 'nested', 'audit.log');
    const audit = createAuditLog({ destination: `file:${path}` });
    audit.auth({ outcome: 'accepted', principal: 'bob' });
    await expect
      .poll(() => {
        try {
          return readFileSync(path, 'utf8');
        } catch {
          return '';
        }
      })
      .toContain('"principal":"bob"');
    expect(createAuditLog({ destination: 'off' }).enabled).toBe(false);
  });

  it('refuses stdout in stdio mode and an unknown destination', () => {
    expect(() => createAuditLog({ destination: 'stdout', stdio: true })).toThrow(/stdio/);
    expect(parseAuditDestination('file:/var/log/audit.log')).toBe('file:/var/log/audit.log');
    expect(() => parseAuditDestination('syslog')).toThrow(/AUDIT_LOG/);
    expect(() => parseAuditDestination('file:')).toThrow(/AUDIT_LOG/);
  });
});
