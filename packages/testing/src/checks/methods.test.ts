import { describe, it } from 'vitest';
import { expectFailure, runCheck } from '../test/run-check.js';

describe('methods', () => {
  it('fails a stateless endpoint that answers GET and DELETE with 404, not 405', async () => {
    expectFailure(
      await runCheck('methods', { sessions: false, faults: ['get-404'] }),
      'GET on a stateless endpoint should get 405 with an Allow header, got HTTP 404',
      'DELETE on a stateless endpoint should get 405 with an Allow header, got HTTP 404',
    );
  });

  it('fails a session endpoint that answers GET without a session id with 404, not 400', async () => {
    expectFailure(
      await runCheck('methods', { sessions: true, faults: ['get-404'] }),
      'GET without a session id should get 400 (or 405 where GET is not offered), got HTTP 404',
    );
  });
});
