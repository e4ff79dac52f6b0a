/**
 * The built CLI as users run it: a child process against a real server. It exits 1 when a
 * check fails, 0 when none does, 2 on bad usage, and never prints a credential, even when the
 * server echoes one back in an error page.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from './process.js';
import { ALLOWED_ORIGIN, type BrokenServer, startBrokenServer } from './test/broken-server.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

const run = (args: string[]) => runCommand(process.execPath, [cli, ...args]);

let leaky: BrokenServer;
let healthy: BrokenServer;
beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run pnpm build first`);
  // A server whose error page echoes the Authorization header back.
  leaky = await startBrokenServer({ auth: 'oauth', faults: ['parse-error-500'] });
  healthy = await startBrokenServer({ auth: 'oauth' });
});
afterAll(async () => {
  await leaky?.close();
  await healthy?.close();
});

describe('mcp-runway-readiness', () => {
  it('exits 1 on a failed check and never prints the credential, even one the server echoes', async () => {
    const { code, stdout, stderr } = await run([
      leaky.url,
      '--header',
      `Authorization: Bearer ${leaky.token}`,
      '--origin',
      ALLOWED_ORIGIN,
      '--verbose',
    ]);
    expect(code, stderr).toBe(1);
    expect(stdout).toMatch(/^FAIL {2}malformed/m);
    expect(stdout).toContain('authorization=[redacted]');
    expect(stdout + stderr).not.toContain(leaky.token);
  });

  it('keeps the credential out of the JSON report too', async () => {
    const { code, stdout } = await run([
      leaky.url,
      '-H',
      `Authorization: Bearer ${leaky.token}`,
      '--json',
    ]);
    expect(code).toBe(1);
    expect(stdout).not.toContain(leaky.token);
    const report = JSON.parse(stdout) as { ok: boolean; checks: { id: string; status: string }[] };
    expect(report.ok).toBe(false);
    expect(report.checks.find((check) => check.id === 'malformed')?.status).toBe('fail');
  });

  it('exits 0 when every check passes or does not apply, printing a table', async () => {
    const { code, stdout, stderr } = await run([
      healthy.url,
      '--header',
      `Authorization: Bearer ${healthy.token}`,
      '--origin',
      ALLOWED_ORIGIN,
      '--only',
      'eras,cors,auth,sessions',
    ]);
    expect(code, stdout + stderr).toBe(0);
    expect(stdout).toMatch(/^PASS {2}auth/m);
    expect(stdout).toContain('4 passed, 0 failed, 0 n/a');
    expect(stdout).not.toContain(healthy.token);
  });

  it('exits 2 with the usage on bad arguments, without echoing a header value', async () => {
    const { code, stderr } = await run(['--header', 'no-colon-secret-value', healthy.url]);
    expect(code).toBe(2);
    expect(stderr).toContain('Usage: mcp-runway-readiness <url>');
    expect(stderr).not.toContain('no-colon-secret-value');
  });
});
