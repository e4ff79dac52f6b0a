import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets, secretKeySet, withRequestId } from './index.js';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('redacts authorization headers, tokens, API keys and cookies at any usual depth', () => {
    const out = capture();
    const logger = createLogger({ name: 'test', destination: out.stream });
    logger.info(
      {
        authorization: 'Bearer top-level-secret',
        req: {
          headers: {
            authorization: 'Bearer eyJhbGciOi.secret',
            cookie: 'sid=cookie-secret',
            'x-api-key': 'key-secret',
          },
        },
        auth: { token: 'token-secret', apiKey: 'apikey-secret', client_secret: 'client-secret' },
        safe: 'visible',
      },
      'request',
    );
    const [line] = out.lines();
    const text = JSON.stringify(line);
    for (const secret of [
      'top-level-secret',
      'eyJhbGciOi',
      'cookie-secret',
      'key-secret',
      'token-secret',
      'apikey-secret',
      'client-secret',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('visible');
    expect(text).toContain('[REDACTED]');
  });

  it('adds the request id to every line of a child logger', () => {
    const out = capture();
    const logger = withRequestId(
      createLogger({ name: 'test', destination: out.stream }),
      'req-42',
      { era: 'modern' },
    );
    logger.info('one');
    logger.warn('two');
    expect(out.lines().map((line) => [line.requestId, line.era, line.level])).toEqual([
      ['req-42', 'modern', 'info'],
      ['req-42', 'modern', 'warn'],
    ]);
  });

  it('honours the level', () => {
    const out = capture();
    const logger = createLogger({ name: 'test', level: 'warn', destination: out.stream });
    logger.info('hidden');
    logger.error('shown');
    expect(out.lines().map((line) => line.msg)).toEqual(['shown']);
  });

  it.each(['json', 'pretty'] as const)(
    'writes %s lines to stderr and nothing to stdout',
    (format) => {
      const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
      const script = `const { createLogger } = await import(${JSON.stringify(entry)});
      const logger = createLogger({ name: 'probe', format: ${JSON.stringify(format)} });
      logger.info({ authorization: 'Bearer leaked' }, 'hello from the probe');
      logger.flush?.();`;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
      });
      expect(child.status).toBe(0);
      expect(child.stdout).toBe('');
      expect(child.stderr).toContain('hello from the probe');
      expect(child.stderr).not.toContain('leaked');
    },
  );
});

describe('redactSecrets', () => {
  const secrets = secretKeySet(['x-tenant-secret']);

  it('matches keys case-insensitively, in arrays too, and leaves the input untouched', () => {
    const input = {
      Authorization: 'Bearer a',
      calls: [{ headers: { 'X-Tenant-Secret': 's', ok: 1 } }],
    };
    const output = redactSecrets(input, secrets);
    expect(output).toEqual({
      Authorization: '[REDACTED]',
      calls: [{ headers: { 'X-Tenant-Secret': '[REDACTED]', ok: 1 } }],
    });
    expect(input.Authorization).toBe('Bearer a');
  });

  it('returns the same object when there is nothing to hide', () => {
    const record = { method: 'POST', path: '/mcp', status: 200, nested: { a: [1, 2] } };
    expect(redactSecrets(record, secrets)).toBe(record);
  });
});
