import { ConfigError, composeConfig, loadConfig } from '@mcp-runway/config';
import { describe, expect, it } from 'vitest';
import { httpConfig } from './config.js';

const schema = composeConfig(httpConfig);

describe('httpConfig', () => {
  it('defaults the connection limits so Node never answers a slow body before the app does', () => {
    const config = loadConfig(schema, {});
    expect(config).toMatchObject({
      BODY_READ_TIMEOUT_MS: 30_000,
      HEADERS_TIMEOUT_MS: 20_000,
      REQUEST_TIMEOUT_MS: 60_000,
      KEEP_ALIVE_TIMEOUT_MS: 65_000,
      MAX_CONNECTIONS: 1_024,
    });
    expect(config.REQUEST_TIMEOUT_MS).toBeGreaterThanOrEqual(
      config.HEADERS_TIMEOUT_MS + config.BODY_READ_TIMEOUT_MS,
    );
  });

  it('refuses a REQUEST_TIMEOUT_MS shorter than HEADERS_TIMEOUT_MS + BODY_READ_TIMEOUT_MS', () => {
    expect(() =>
      loadConfig(schema, { BODY_READ_TIMEOUT_MS: '50000', REQUEST_TIMEOUT_MS: '60000' }),
    ).toThrowError(ConfigError);
    expect(() =>
      loadConfig(schema, { BODY_READ_TIMEOUT_MS: '50000', REQUEST_TIMEOUT_MS: '60000' }),
    ).toThrowError(
      /REQUEST_TIMEOUT_MS: must be at least HEADERS_TIMEOUT_MS \+ BODY_READ_TIMEOUT_MS \(70000\)/,
    );
  });
});
