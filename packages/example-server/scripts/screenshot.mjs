#!/usr/bin/env node
/**
 * Saves a screenshot of the board view as a host renders it: rebuilds the view, then runs the
 * browser test, which renders it in headless Chromium through the minimal host page and, with
 * SCREENSHOT set, saves the view after its Assign click. Needs /usr/bin/chromium.
 *
 *   pnpm --filter @mcp-runway/example-server screenshot [file.png]   (default: board-view.png)
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = resolve(process.argv[2] ?? 'board-view.png');
const built = spawnSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const run = spawnSync('npx', ['vitest', 'run', 'src/ui/browser.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SCREENSHOT: target },
});
if (run.status !== 0) process.exit(run.status ?? 1);
process.stdout.write(`wrote ${target}\n`);
