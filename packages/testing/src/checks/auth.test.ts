import { describe, expect, it } from 'vitest';
import { expectFailure, runCheck } from '../test/run-check.js';

describe('auth', () => {
  it('fails metadata that names another resource (the URL behind the proxy)', async () => {
    expectFailure(
      await runCheck('auth', { auth: 'oauth', faults: ['prm-wrong-resource'] }),
      'its resource should name this endpoint (http://127.0.0.1:',
    );
  });

  it('fails an authorization server whose issuer does not match (a trailing slash)', async () => {
    const result = await runCheck('auth', { auth: 'oauth', faults: ['issuer-trailing-slash'] });
    expectFailure(result, 'the metadata at http://127.0.0.1:');
    expect(result.details.find((line) => line.startsWith('✗'))).toMatch(
      /names issuer "http:\/\/127\.0\.0\.1:\d+\/", expected "http:\/\/127\.0\.0\.1:\d+"/,
    );
  });

  it('fails a server that accepts any bearer token', async () => {
    expectFailure(
      await runCheck('auth', { auth: 'oauth', faults: ['any-token'] }),
      'an invalid bearer token should get 401, got HTTP 200',
    );
  });

  it('fails a 401 that carries a stack trace', async () => {
    expectFailure(
      await runCheck('auth', { auth: 'oauth', faults: ['stack-in-401'] }),
      'the 401 contains a stack trace',
    );
  });

  it('fails a server that serves anonymous requests although credentials were given', async () => {
    expectFailure(
      await runCheck(
        'auth',
        { auth: 'none' },
        { headers: { authorization: 'Bearer unused-token' } },
      ),
      'credentials were given, yet an anonymous request is served',
    );
  });

  it('is n/a for an open server', async () => {
    const result = await runCheck('auth', { auth: 'none' });
    expect(result.status).toBe('n/a');
    expect(result.details[0]).toMatch(/^n\/a: the server serves anonymous requests/);
  });

  it('is n/a for API keys (a 401 without OAuth discovery), after checking the rest', async () => {
    const result = await runCheck('auth', { auth: 'apikey' });
    expect(result.status).toBe('n/a');
    expect(result.details[0]).toMatch(/^n\/a: 401 without OAuth discovery/);
    expect(result.details).toContain('✓ with the given credentials the same request is served');
  });

  it('fails API keys when OAuth is required', async () => {
    expectFailure(
      await runCheck('auth', { auth: 'apikey' }, { requireOAuth: true }),
      '401 without OAuth discovery',
    );
  });
});
