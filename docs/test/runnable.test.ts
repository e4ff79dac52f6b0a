/**
 * Runs the runnable shell blocks (```sh runnable) of every page a reader follows (the workshop,
 * the guides, the READMEs of apps, packages and infra), page by page and in page order,
 * against the built apps: what a reader types is what CI runs, so the pages cannot rot.
 * See markdown.ts for the attributes and docs/README.md for how to mark a block.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShellBlock, shellBlocks } from './markdown.js';
import { docPages, repoRoot } from './repo.js';
import { createSandbox } from './sandbox.js';
import {
  interrupt,
  portInUse,
  type Running,
  runBlock,
  startBlock,
  waitUntilReady,
} from './shell.js';

/** Programs the pages run besides node and npx, and where they come from. */
const TOOLS: Record<string, string> = {
  curl: 'Debian package curl',
  promtool: 'Debian package prometheus; .ci/run installs it',
  prometheus: 'Debian package prometheus; .ci/run installs it',
  kubectl: 'kubectl, which these machines come with',
  caddy: 'Debian package caddy; .ci/run installs it',
  nginx: 'Debian package nginx; .ci/run installs it',
  'redis-server': 'Debian package redis-server',
  envsubst: 'Debian package gettext-base',
};
const STOP_MS = 15_000;
/** Each test's own limit is its block's, plus time to report: never vitest's default. */
const MARGIN_MS = 5_000;

const sandbox = createSandbox();
const options = { cwd: repoRoot, env: sandbox.env };
let available = new Set<string>();

beforeAll(async () => {
  const probe = Object.keys(TOOLS).map((tool) => `command -v ${tool} >/dev/null && echo ${tool}`);
  const { stdout } = await promisify(execFile)('bash', ['-c', `${probe.join('; ')}; true`], {
    env: sandbox.env,
  });
  available = new Set(stdout.split('\n').filter(Boolean));
});
afterAll(() => sandbox.remove());

function assertToolsFor(block: ShellBlock): void {
  const missing = Object.keys(TOOLS).filter(
    (tool) => new RegExp(`(^|[\\s|;&(])${tool}\\s`, 'm').test(block.code) && !available.has(tool),
  );
  if (missing.length) {
    const list = missing.map((tool) => `${tool} (${TOOLS[tool]})`).join(', ');
    throw new Error(`${block.file}:${block.line} needs ${list}: not found on PATH`);
  }
}

/** The block's first line that says something (`(` opening a subshell does not). */
function firstLine(block: ShellBlock): string {
  const line = (block.code.split('\n').find((text) => /\w/.test(text)) ?? '').trim();
  return line.length > 70 ? `${line.slice(0, 67)}...` : line;
}

function report(block: ShellBlock, what: string, output: { stdout: string; stderr: string }) {
  return [
    `${block.file}:${block.line} ${what}`,
    `--- block ---\n${block.code}`,
    `--- stdout (end) ---\n${output.stdout.slice(-3_000)}`,
    `--- stderr (end) ---\n${output.stderr.slice(-3_000)}`,
  ].join('\n');
}

for (const page of docPages()) {
  const blocks = shellBlocks(page.file, page.text).filter((block) => block.runnable);
  if (blocks.length === 0) continue;

  describe(page.file, () => {
    const servers: { block: ShellBlock; running: Running }[] = [];
    // A safety net only: the last test stops the servers and checks how they ended.
    afterAll(async () => {
      await Promise.all(servers.splice(0).map(({ running }) => interrupt(running, STOP_MS)));
    });

    for (const block of blocks) {
      if (block.background) {
        it(
          `line ${block.line}: \`${firstLine(block)}\` starts and answers ${block.wait}`,
          async () => {
            assertToolsFor(block);
            const url = new URL(block.wait as string);
            if (await portInUse(url.hostname, Number(url.port))) {
              throw new Error(
                `${block.file}:${block.line}: port ${url.port} on ${url.hostname} is already in use, ` +
                  'so this server cannot start; stop whatever listens there and run again',
              );
            }
            const running = startBlock(block.code, options);
            servers.push({ block, running });
            await waitUntilReady(running, url.href, block.timeoutMs);
          },
          block.timeoutMs + MARGIN_MS,
        );
        continue;
      }
      it(
        `line ${block.line}: \`${firstLine(block)}\` exits ${block.expectExit}`,
        async () => {
          assertToolsFor(block);
          const outcome = await runBlock(block.code, { ...options, timeoutMs: block.timeoutMs });
          const fail = (what: string) => expect.fail(report(block, what, outcome));
          if (outcome.timedOut) fail(`did not finish within ${block.timeoutMs} ms`);
          if (outcome.code !== block.expectExit) {
            fail(`exited ${outcome.code ?? outcome.signal}, expected ${block.expectExit}`);
          }
          if (outcome.strays.length) fail(`left processes running:\n${outcome.strays.join('\n')}`);
          if (block.expectStdout !== undefined && !outcome.stdout.includes(block.expectStdout)) {
            fail(`printed no "${block.expectStdout}"`);
          }
        },
        block.timeoutMs + MARGIN_MS,
      );
    }

    if (blocks.some((block) => block.background)) {
      it(
        'stops every server it started on Ctrl-C, each exiting 0',
        async () => {
          // Last started, first stopped: a later server may depend on an earlier one.
          for (const { block, running } of servers.splice(0).reverse()) {
            const outcome = await interrupt(running, STOP_MS);
            if (outcome.code !== 0 || outcome.strays.length) {
              const what = `exited ${outcome.code ?? outcome.signal} on Ctrl-C${
                outcome.strays.length ? `, leaving ${outcome.strays.join('; ')}` : ''
              }`;
              expect.fail(report(block, what, outcome));
            }
          }
        },
        STOP_MS * blocks.length + MARGIN_MS,
      );
    }
  });
}
