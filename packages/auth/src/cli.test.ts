import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createApiKeyAuthenticator, parseApiKeys } from './index.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('mcp-runway-api-key', () => {
  it('prints a new key once and the config line that lists only its hash', async () => {
    const result = run('--principal', 'reports-job', '--scopes', 'notes:read notes:write');
    expect(result.status).toBe(0);
    const [key = '', line = ''] = result.stdout.trim().split('\n');
    expect(key).toMatch(/^mcpr_[A-Za-z0-9_-]{43}$/);
    expect(line).toMatch(/^reports-job:notes:read notes:write:[0-9a-f]{64}$/);
    expect(line).not.toContain(key);
    expect(result.stderr).toContain('shown once');

    const principal = await createApiKeyAuthenticator(parseApiKeys(line)).authenticate({
      authorization: `Bearer ${key}`,
    });
    expect(principal).toMatchObject({
      id: 'reports-job',
      scopes: ['notes:read', 'notes:write'],
    });
  });

  it('refuses to mint a key for a principal the config format cannot hold', () => {
    expect(run('--principal', 'has:colon').status).toBe(2);
    expect(run().status).toBe(2);
  });
});
