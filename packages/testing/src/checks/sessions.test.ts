import { describe, expect, it } from 'vitest';
import { expectFailure, runCheck } from '../test/run-check.js';

describe('sessions', () => {
  it('fails guessable session ids', async () => {
    expectFailure(
      await runCheck('sessions', { faults: ['sequential-session-ids'] }),
      'the session id should be at least 16 characters (unguessable), got 9',
      'two session ids should look random, got "session-1" and "session-',
    );
  });

  it('fails a server that serves a request without a session id', async () => {
    expectFailure(
      await runCheck('sessions', { faults: ['session-optional'] }),
      'a request without a session id should get 400, got HTTP 200',
    );
  });

  it('fails an unknown session id answered with 400, which stops clients from re-initializing', async () => {
    expectFailure(
      await runCheck('sessions', { faults: ['unknown-session-400'] }),
      'a request with an unknown session id should get 404, got HTTP 400',
    );
  });

  it('fails a DELETE that leaves the session alive', async () => {
    expectFailure(
      await runCheck('sessions', { faults: ['delete-ignored'] }),
      'a request on an ended session should get 404, got HTTP 200',
    );
  });

  it('is n/a on a stateless 2025 lane', async () => {
    const result = await runCheck('sessions', { sessions: false });
    expect(result.status).toBe('n/a');
    expect(result.details[0]).toBe(
      'n/a: initialize returned no Mcp-Session-Id: the 2025 lane is stateless',
    );
  });
});
