import { afterEach, describe, expect, it } from 'vitest';
import { checkReadiness } from './index.js';
import { ALLOWED_ORIGIN, type BrokenServer, startBrokenServer } from './test/broken-server.js';
import { CHECK_IDS } from './types.js';

let server: BrokenServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function statuses(report: Awaited<ReturnType<typeof checkReadiness>>) {
  return Object.fromEntries(report.checks.map((check) => [check.id, check.status]));
}

describe('a correct server', () => {
  it('passes every check on the session lane with an allowed origin', async () => {
    server = await startBrokenServer({ sessions: true });
    const report = await checkReadiness({
      url: server.url,
      origin: ALLOWED_ORIGIN,
      streamingTool: { name: 'count' },
    });
    const failed = report.checks.filter((check) => check.status === 'fail');
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
    expect(statuses(report)).toEqual({
      eras: 'pass',
      cors: 'pass',
      'origin-host': 'pass',
      methods: 'pass',
      malformed: 'pass',
      auth: 'n/a',
      'authorization-server': 'n/a',
      sse: 'pass',
      sessions: 'pass',
    });
    expect(report.profile).toEqual({
      eras: ['2025-11-25', '2026-07-28'],
      sessions: true,
      authRequired: false,
    });
  });

  it('passes every check statelessly behind OAuth, with the discovery chain followed', async () => {
    server = await startBrokenServer({ sessions: false, auth: 'oauth' });
    const report = await checkReadiness({
      url: server.url,
      origin: ALLOWED_ORIGIN,
      headers: server.credentials,
    });
    expect(statuses(report)).toEqual({
      eras: 'pass',
      cors: 'pass',
      'origin-host': 'pass',
      methods: 'pass',
      malformed: 'pass',
      auth: 'pass',
      'authorization-server': 'pass',
      sse: 'pass',
      sessions: 'n/a',
    });
  });
});

describe('options', () => {
  it('refuses an unknown check id, naming the valid ones', async () => {
    await expect(
      checkReadiness({ url: 'http://127.0.0.1:1/mcp', only: ['nope' as never] }),
    ).rejects.toThrow(CHECK_IDS.join(', '));
  });
});
