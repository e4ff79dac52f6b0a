/**
 * `wrangler deploy --dry-run` builds the bundle Cloudflare would receive, without an account
 * and without the network. Its size counts against the plan's limit on the compressed Worker
 * (3 MB on Workers Free, 10 MB on Workers Paid); the figure is printed for the README.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, expect, it } from 'vitest';
import { offlineEnv } from './test/wrangler.js';

const APP_DIR = new URL('..', import.meta.url).pathname;
const outdir = mkdtempSync(join(tmpdir(), 'mcp-runway-worker-bundle-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

it('builds the Worker bundle offline (wrangler deploy --dry-run), under the Free plan limit', () => {
  const bin = join(APP_DIR, 'node_modules/wrangler/bin/wrangler.js');
  const run = spawnSync(process.execPath, [bin, 'deploy', '--dry-run', '--outdir', outdir], {
    cwd: APP_DIR,
    env: offlineEnv(),
    encoding: 'utf8',
  });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  expect(run.stdout).toContain('env.LIMITS (RateLimits)');
  const bundle = readFileSync(join(outdir, 'worker.js'));
  const gzip = gzipSync(bundle).length;
  console.log(
    `Worker bundle: ${(bundle.length / 1024).toFixed(0)} KiB, gzip ${(gzip / 1024).toFixed(0)} KiB`,
  );
  // The bundle serves the MCP endpoint and carries the Durable Object class.
  expect(bundle.toString('utf8')).toMatch(/\bRateLimits\b/);
  // ioredis is replaced by the stand-in (alias in wrangler.jsonc): the Worker never makes one.
  expect(bundle.toString('utf8')).toContain('RedisUnavailableOnWorkers');
  expect(gzip).toBeLessThan(3 * 1024 * 1024);
}, 120_000); // esbuild over ~2 MB of sources: seconds alone, longer beside the wrangler dev tests
