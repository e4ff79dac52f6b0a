import { describe, expect, it } from 'vitest';
import { expectFailure, runCheck } from '../test/run-check.js';

describe('eras', () => {
  it('fails a server that serves only 2025-11-25, saying what server/discover got', async () => {
    const result = await runCheck('eras', { faults: ['no-modern'] });
    expectFailure(
      result,
      '2026-07-28: server/discover should get 200 with supportedVersions listing 2026-07-28, got HTTP 400',
    );
    expect(result.details).toContain('✓ 2025-11-25: the official SDK client connected and listed');
  });

  it('passes a 2025-only server when the eras option says that is all it serves', async () => {
    const result = await runCheck('eras', { faults: ['no-modern'] }, { eras: ['2025-11-25'] });
    expect(result.status).toBe('pass');
    expect(result.details).toContain('- 2026-07-28 not expected (eras option): not checked');
  });

  it('fails a server that answers notifications/initialized with 200 instead of 202', async () => {
    expectFailure(
      await runCheck('eras', { faults: ['initialized-200'] }),
      '2025-11-25: notifications/initialized should get 202 Accepted, got HTTP 200',
    );
  });

  it('fails, asking for credentials, when the server wants some and none were given', async () => {
    expectFailure(
      await runCheck('eras', { auth: 'oauth' }, { headers: {} }),
      'the server wants credentials (HTTP 401',
    );
  });
});
