import { describe, expect, it } from 'vitest';
import { createOutageLog } from './outage.js';
import { captureLog } from './test/log.js';

describe('createOutageLog', () => {
  it('warns when an outage starts, then at most once per interval with the count, and once when Redis is back', () => {
    const log = captureLog();
    let now = 1_000_000;
    const outage = createOutageLog(log.logger, 60_000, () => now);
    outage.succeeded();
    expect(log.lines()).toEqual([]);

    for (let call = 0; call < 5; call++) outage.failed(new Error('ECONNREFUSED'));
    now += 60_000;
    for (let call = 0; call < 3; call++) outage.failed(new Error('ECONNREFUSED'));
    outage.succeeded();
    outage.succeeded();

    expect(log.lines().map(({ level, failedCalls }) => ({ level, failedCalls }))).toEqual([
      { level: 'warn', failedCalls: 1 },
      // The 4 calls after the first warning, and the first of the next interval.
      { level: 'warn', failedCalls: 5 },
      { level: 'info', failedCalls: 8 },
    ]);
    expect(outage.stats).toEqual({ redisErrors: 8, degraded: false });
  });
});
