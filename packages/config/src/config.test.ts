import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  baseConfigSchema,
  boolean,
  bytes,
  ConfigError,
  list,
  loadConfig,
  logFormatFor,
  port,
  redactConfig,
  secret,
} from './index.js';

const schema = baseConfigSchema.extend({
  PORT: port(3000),
  ALLOWED_HOSTS: list(),
  BODY_LIMIT: bytes('1mb'),
  ALLOW_UNAUTHENTICATED: boolean(false),
  API_KEY_PEPPER: secret(z.string().min(8).optional()),
  REDIS_URL: z.url().optional(),
});

describe('loadConfig', () => {
  it('applies defaults for unset and empty variables', () => {
    const config = loadConfig(schema, { PORT: '' });
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      PORT: 3000,
      ALLOWED_HOSTS: [],
      BODY_LIMIT: 1024 * 1024,
      ALLOW_UNAUTHENTICATED: false,
    });
    expect(logFormatFor(config)).toBe('pretty');
  });

  it('parses lists, sizes, booleans and numbers from their usual spellings', () => {
    const config = loadConfig(schema, {
      PORT: '8080',
      ALLOWED_HOSTS: 'mcp.example.com, localhost ,',
      BODY_LIMIT: '512KB',
      ALLOW_UNAUTHENTICATED: 'yes',
      NODE_ENV: 'production',
    });
    expect(config.PORT).toBe(8080);
    expect(config.ALLOWED_HOSTS).toEqual(['mcp.example.com', 'localhost']);
    expect(config.BODY_LIMIT).toBe(512 * 1024);
    expect(config.ALLOW_UNAUTHENTICATED).toBe(true);
    expect(logFormatFor(config)).toBe('json');
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig(schema, {
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        BODY_LIMIT: 'huge',
        ALLOW_UNAUTHENTICATED: 'maybe',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((problem) => problem.split(':')[0]);
    expect(problems.sort()).toEqual(['ALLOW_UNAUTHENTICATED', 'BODY_LIMIT', 'LOG_LEVEL', 'PORT']);
  });
});

describe('redactConfig', () => {
  it('hides secret fields and passwords inside URLs', () => {
    const config = loadConfig(schema, {
      API_KEY_PEPPER: 'pepper-pepper',
      REDIS_URL: 'redis://default:hunter2@127.0.0.1:6379/0',
    });
    const printable = redactConfig(schema, config);
    expect(printable.API_KEY_PEPPER).toBe('[REDACTED]');
    expect(printable.REDIS_URL).toBe('redis://default:REDACTED@127.0.0.1:6379/0');
    expect(JSON.stringify(printable)).not.toMatch(/hunter2|pepper-pepper/);
  });
});

describe('loadConfigOrExit', () => {
  it('prints every problem to stderr and exits 1', () => {
    const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `const { loadConfigOrExit, baseConfigSchema } = await import(${JSON.stringify(entry)});
      loadConfigOrExit(baseConfigSchema, { LOG_LEVEL: 'loud', NODE_ENV: 'staging' });`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(child.status).toBe(1);
    expect(child.stdout).toBe('');
    expect(child.stderr).toContain('LOG_LEVEL');
    expect(child.stderr).toContain('NODE_ENV');
  });
});
