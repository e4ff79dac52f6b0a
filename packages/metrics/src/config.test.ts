import { ConfigError, composeConfig, loadConfig } from '@mcp-runway/config';
import { describe, expect, it } from 'vitest';
import { metricsConfig } from './config.js';

const schema = composeConfig(metricsConfig);

describe('metricsConfig', () => {
  it('answers loopback names on a loopback bind, with nothing to set', () => {
    expect(loadConfig(schema, {})).toMatchObject({
      METRICS_HOST: '127.0.0.1',
      METRICS_ALLOWED_HOSTS: [],
    });
  });

  it('refuses a bind beyond loopback with neither a token nor the names it is scraped by', () => {
    expect(() => loadConfig(schema, { METRICS_HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => loadConfig(schema, { METRICS_HOST: '0.0.0.0' })).toThrow(
      /METRICS_TOKEN: required when METRICS_HOST=0\.0\.0\.0 is not a loopback address/,
    );
    const token = 'a-scrape-token-of-32-characters!';
    expect(loadConfig(schema, { METRICS_HOST: '0.0.0.0', METRICS_TOKEN: token })).toMatchObject({
      METRICS_ALLOWED_HOSTS: [],
    });
    expect(
      loadConfig(schema, { METRICS_HOST: '0.0.0.0', METRICS_ALLOWED_HOSTS: 'app, app:9464' }),
    ).toMatchObject({ METRICS_ALLOWED_HOSTS: ['app', 'app:9464'] });
  });
});
