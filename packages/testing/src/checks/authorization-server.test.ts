import { describe, expect, it } from 'vitest';
import { expectFailure, runCheck } from '../test/run-check.js';

describe('authorization-server', () => {
  it('passes an authorization server with S256, CIMD and a strict DCR', async () => {
    const result = await runCheck('authorization-server', { auth: 'oauth' });
    expect(result.status, result.details.join('\n')).toBe('pass');
    expect(result.details).toContain(
      '✓ registration refuses a plain-HTTP redirect off loopback (invalid_redirect_uri)',
    );
  });

  it('fails an authorization server that advertises only plain PKCE', async () => {
    expectFailure(
      await runCheck('authorization-server', { auth: 'oauth', faults: ['pkce-plain'] }),
      'code_challenge_methods_supported should include S256, got ["plain"]',
    );
  });

  it('fails one where a host cannot register, unless clients are pre-registered', async () => {
    const server = { auth: 'oauth', faults: ['no-client-registration'] } as const;
    expectFailure(
      await runCheck('authorization-server', server),
      'neither client_id_metadata_document_supported nor a registration_endpoint',
    );
    const preregistered = await runCheck('authorization-server', server, {
      preregisteredClients: true,
    });
    expect(preregistered.status).toBe('pass');
  });

  it('fails a registration that accepts a plain-HTTP redirect to another host', async () => {
    expectFailure(
      await runCheck('authorization-server', { auth: 'oauth', faults: ['dcr-any-redirect'] }),
      'registration should refuse http://readiness-check.example/callback with 400',
    );
  });

  it('fails an issuer that does not match (a trailing slash)', async () => {
    expectFailure(
      await runCheck('authorization-server', { auth: 'oauth', faults: ['issuer-trailing-slash'] }),
      'its issuer should be "http://127.0.0.1:',
    );
  });

  it('is n/a for a server without OAuth', async () => {
    for (const auth of ['none', 'apikey'] as const) {
      const result = await runCheck('authorization-server', { auth });
      expect(result.status).toBe('n/a');
    }
  });
});
