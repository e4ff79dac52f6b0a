/**
 * The vitest helper, used the way an app's test file uses it: the server starts at the top of
 * the file, so it is listening when vitest collects the checks.
 */
import { afterAll } from 'vitest';
import { ALLOWED_ORIGIN, startBrokenServer } from './test/broken-server.js';
import { describeReadiness } from './vitest.js';

const server = await startBrokenServer({ sessions: true, auth: 'oauth' });
afterAll(() => server.close());

describeReadiness('describeReadiness against a correct server', {
  url: server.url,
  origin: ALLOWED_ORIGIN,
  headers: server.credentials,
});

// An n/a check registers a passing test whose title says so, e.g. "sse: n/a, nothing answered…".
const stateless = await startBrokenServer({ sessions: false, json: true });
describeReadiness(
  'describeReadiness titles checks that do not apply',
  { url: stateless.url, only: ['sse', 'sessions'] },
  { cleanup: () => stateless.close() },
);
