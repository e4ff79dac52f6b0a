import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// Drives the built app (turbo builds before it tests), exactly as `pnpm conformance` does.
const runner = fileURLToPath(new URL('../scripts/run-conformance.mjs', import.meta.url));
const entry = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs node with `args`; SIGTERM after `limitMs` (the runner then stops its own children). */
function run(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  limitMs = 100_000,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env });
    const timer = setTimeout(() => child.kill('SIGTERM'), limitMs);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The runner prints one `##### <run> (exit N) #####` section per run. */
function section(stdout: string, name: string): string {
  const start = stdout.indexOf(`##### ${name}`);
  const end = stdout.indexOf('#####', stdout.indexOf('\n', start));
  return start < 0 ? '' : stdout.slice(start, end < 0 ? undefined : end);
}

const failing = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('✗ '))
    .map((line) => line.slice(2).split(':')[0]);

describe('the official MCP conformance suite, run against the built server', () => {
  let result: Finished;
  beforeAll(async () => {
    result = await run([runner]);
  }, 110_000);

  it('exits 0: every failure is in a baseline and no baseline entry is stale', () => {
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('conformance: all runs passed against their baselines');
  });

  it('passes every check of the active suite', () => {
    const active = section(result.stdout, 'active suite (');
    expect(active).toMatch(/Total: [1-9]\d* passed, 0 failed/);
    expect(active).toContain('Baseline check passed');
  });

  it('passes the stateful scenarios on the session lane, multiple SSE streams included', () => {
    const sessions = section(result.stdout, 'active suite, session lane');
    expect(sessions).toMatch(/Total: [1-9]\d* passed, 0 failed/);
    expect(sessions).toContain('✓ server-sse-multiple-streams:');
    expect(sessions).toContain('✓ server-session-lifecycle:');
    expect(failing(sessions)).toEqual([]);
  });

  it('passes the 2026-07-28 requirement set, failing only the unscored tasks extension', () => {
    const modern = section(result.stdout, '2026-07-28 requirements');
    expect(modern).toContain('✓ server-stateless:');
    expect(modern).toContain('✓ input-required-result-tampered-state:');
    expect(modern).toContain('Baseline check passed');
    for (const scenario of failing(modern)) expect(scenario).toMatch(/^tasks-/);
  });
});

describe('conformance server configuration', () => {
  it('refuses to start with invalid settings and lists each one on stderr', async () => {
    const { code, stdout, stderr } = await run([entry], {
      ...process.env,
      PORT: '-1',
      MCP_PATH: 'mcp',
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/PORT/);
    expect(stderr).toMatch(/MCP_PATH/);
  });
});
