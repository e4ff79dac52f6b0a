import { describe, it } from 'vitest';
import { expectFailure, runCheck } from '../test/run-check.js';

describe('malformed', () => {
  it('fails a JSON syntax error answered with 500 instead of 400 and -32700', async () => {
    expectFailure(
      await runCheck('malformed', { faults: ['parse-error-500'] }),
      'invalid JSON: expected 400, error -32700, id null, got HTTP 500, body',
    );
  });

  it('fails a server without a body limit', async () => {
    expectFailure(
      await runCheck('malformed', { faults: ['no-body-limit'] }),
      'a 4096 KiB body: expected 413, got HTTP 200',
    );
  });

  it('fails a server that stops serving after bad input', async () => {
    expectFailure(
      await runCheck('malformed', { faults: ['stops-serving'] }),
      'a valid request after the malformed ones should be served, got HTTP 503',
    );
  });
});
