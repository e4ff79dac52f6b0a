import { describe, expect, it } from 'vitest';
import { expectFailure, runCheck } from '../test/run-check.js';

describe('cors', () => {
  it('fails a preflight that does not allow the MCP headers, naming the missing ones', async () => {
    expectFailure(
      await runCheck('cors', { faults: ['cors-narrow-allow-headers'] }),
      'Access-Control-Allow-Headers should list mcp-protocol-version, mcp-session-id, last-event-id, mcp-method, mcp-name',
    );
  });

  it('fails a server that allows any origin', async () => {
    expectFailure(
      await runCheck('cors', { faults: ['cors-any-origin'] }),
      'a preflight from https://readiness-foreign.invalid should get no Access-Control-Allow-Origin, got "https://readiness-foreign.invalid"',
    );
  });

  it('fails a session server that hides Mcp-Session-Id from browsers', async () => {
    expectFailure(
      await runCheck('cors', { faults: ['cors-no-expose'] }),
      'the answer should expose mcp-session-id',
    );
  });

  it('fails an OAuth server whose 401 hides WWW-Authenticate from browsers', async () => {
    expectFailure(
      await runCheck('cors', { sessions: false, auth: 'oauth', faults: ['cors-no-expose'] }),
      'the 401 answer should expose www-authenticate',
    );
  });

  it('is n/a without an allowed origin, once a foreign origin is shown to get no allowance', async () => {
    const result = await runCheck('cors', {}, { origin: null });
    expect(result.status).toBe('n/a');
    expect(result.details[0]).toMatch(/^n\/a: no allowed origin given/);
    expect(result.details).toContain(
      '✓ a preflight from a foreign origin gets no Access-Control-Allow-Origin (HTTP 403)',
    );
  });

  it('fails, even without an allowed origin, a server that allows any origin', async () => {
    const result = await runCheck('cors', { faults: ['cors-any-origin'] }, { origin: null });
    expect(result.status).toBe('fail');
  });
});
