import { describe, it } from 'vitest';
import { expectFailure, runCheck } from '../test/run-check.js';

describe('origin-host', () => {
  it('fails a server that serves a foreign Origin', async () => {
    expectFailure(
      await runCheck('origin-host', { faults: ['any-origin'] }),
      'a request with Origin: https://readiness-foreign.invalid should get 403, got HTTP 200',
    );
  });

  it('fails a server that serves a foreign Host (DNS rebinding)', async () => {
    expectFailure(
      await runCheck('origin-host', { faults: ['any-host'] }),
      'a request with Host: readiness-rebinding.invalid:',
    );
  });
});
