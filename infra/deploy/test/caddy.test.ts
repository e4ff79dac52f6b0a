/** infra/caddy/Caddyfile must validate with the real caddy binary (missing caddy fails, never skips). */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from './run.js';

const caddyfile = fileURLToPath(new URL('../../caddy/Caddyfile', import.meta.url));

describe('Caddyfile', () => {
  it('passes caddy validate', async () => {
    const result = await run(
      'caddy',
      ['validate', '--config', caddyfile, '--adapter', 'caddyfile'],
      {
        timeoutMs: 20_000,
      },
    );
    expect(result.code, result.stderr).toBe(0);
  });

  it('flushes SSE immediately and never proxies /metrics', async () => {
    const result = await run('caddy', ['adapt', '--config', caddyfile, '--adapter', 'caddyfile'], {
      timeoutMs: 20_000,
    });
    expect(result.code, result.stderr).toBe(0);
    const json = result.stdout;
    // flush_interval -1 adapts to -1 nanoseconds.
    expect(json).toMatch(/"flush_interval":\s*-1/);
    expect(json).toContain('"/metrics*"');
    expect(json).toMatch(/"status_code":\s*404/);
  });
});
