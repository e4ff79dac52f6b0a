import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { composeConfig, configPiece } from './compose.js';
import { port } from './fields.js';
import { ConfigError, loadConfig } from './load.js';

const http = configPiece(
  { HOST: z.string().default('127.0.0.1'), PORT: port(3000) },
  (config, problem) => {
    if (config.HOST === '0.0.0.0' && config.PORT === 80) problem('PORT', 'not 80 in public');
  },
);
const auth = configPiece(
  { AUTH_MODE: z.enum(['none', 'apikey']).default('none') },
  (config, problem) => {
    // A piece may read what another piece defines.
    if (config.AUTH_MODE === 'none' && config.HOST === '0.0.0.0')
      problem('AUTH_MODE', 'is none in public');
  },
);

describe('composeConfig', () => {
  it('merges the pieces with the base variables, typed', () => {
    const schema = composeConfig(http, auth);
    const config = loadConfig(schema, {});
    expect(config).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 3000,
      AUTH_MODE: 'none',
      LOG_LEVEL: 'info',
    });
    expectTypeOf(config.PORT).toEqualTypeOf<number>();
    expectTypeOf(config.AUTH_MODE).toEqualTypeOf<'none' | 'apikey'>();
  });

  it('lets a later piece redefine a variable (an app-specific default)', () => {
    const schema = composeConfig(http, configPiece({ PORT: port(3002) }));
    expect(loadConfig(schema, {}).PORT).toBe(3002);
  });

  it("runs every piece's refusals and reports every problem at once", () => {
    const schema = composeConfig(http, auth);
    let error: unknown;
    try {
      loadConfig(schema, { HOST: '0.0.0.0', PORT: '80' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'PORT: not 80 in public',
      'AUTH_MODE: is none in public',
    ]);
  });
});
