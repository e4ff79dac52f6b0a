#!/usr/bin/env node
/**
 * Regenerates the workshop's screenshot of the board view (docs/workshop/img/board-view.png):
 * runs the browser test, which renders the view in headless Chromium through the minimal host
 * page and, with SCREENSHOT set, saves the view after its Assign click. Rebuilds the view
 * first; needs /usr/bin/chromium.
 *
 *   pnpm --filter @mcp-runway/example-server screenshot
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = fileURLToPath(new URL('../../../docs/workshop/img/board-view.png', import.meta.url));
const built = spawnSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const run = spawnSync('npx', ['vitest', 'run', 'src/ui/browser.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SCREENSHOT: target },
});
if (run.status !== 0) process.exit(run.status ?? 1);
process.stdout.write(`wrote ${target}\n`);
