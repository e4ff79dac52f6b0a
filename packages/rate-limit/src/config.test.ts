import { ConfigError, composeConfig, loadConfig } from '@mcp-runway/config';
import { describe, expect, it } from 'vitest';
import { rateLimitConfig } from './index.js';

const schema = composeConfig(rateLimitConfig);

describe('rateLimitConfig', () => {
  it('bounds what one caller and the whole process may hold at once by default', () => {
    expect(loadConfig(schema, {})).toMatchObject({
      RATE_LIMIT_POINTS: 300,
      RATE_LIMIT_DURATION_S: 60,
      MAX_CONCURRENT_CALLS: 10,
      MAX_CONCURRENT_CALLS_TOTAL: 1000,
      MAX_CONCURRENT_STREAMS: 10,
      MAX_CONCURRENT_STREAMS_TOTAL: 1000,
      AUTH_FAILURE_LIMIT: 20,
      AUTH_FAILURE_WINDOW_S: 60,
    });
  });

  it('refuses a per-caller limit above the process total', () => {
    expect(() =>
      loadConfig(schema, { MAX_CONCURRENT_STREAMS: '50', MAX_CONCURRENT_STREAMS_TOTAL: '20' }),
    ).toThrow(ConfigError);
    expect(() => loadConfig(schema, { MAX_CONCURRENT_CALLS: '0' })).toThrow(/MAX_CONCURRENT_CALLS/);
  });
});
