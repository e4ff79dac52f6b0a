#!/usr/bin/env node
import { spawn } from 'node:child_process';
/**
 * Runs the official MCP conformance suite against the built conformance server.
 *
 *   pnpm --filter @mcp-runway/conformance-server build
 *   pnpm --filter @mcp-runway/conformance-server conformance
 *
 * Starts `dist/main.js` on a free loopback port, then runs the suite twice:
 *   1. the active suite (every released scenario that predates 2026-07-28, run at
 *      2025-11-25), checked against conformance-baseline.yml;
 *   2. the frozen 2026-07-28 requirement set, checked against its own baseline.
 * Prints each summary, stops the server, and exits non-zero if either run failed.
 * Nothing is built here. Set CONFORMANCE_VERBOSE=1 to see the suite's full output.
 */
import { once } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const appDir = dirname(dirname(fileURLToPath(import.meta.url)));
const serverEntry = join(appDir, 'dist', 'main.js');
const cliEntry = join(
  appDir,
  'node_modules',
  '@modelcontextprotocol',
  'conformance',
  'dist',
  'index.js',
);
const reportsDir = join(appDir, 'reports', 'conformance');

const STARTUP_TIMEOUT_MS = 15_000;
const RUN_TIMEOUT_MS = 120_000;
const verbose = process.env.CONFORMANCE_VERBOSE === '1';

// The suite colours its output whatever NO_COLOR says; keep colour only for a terminal.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const plain = (text) => (process.stdout.isTTY ? text : text.replace(ANSI, ''));
const say = (text) => process.stdout.write(`${plain(text)}\n`);
const complain = (text) => process.stderr.write(`${text}\n`);

const runs = [
  {
    name: 'active suite',
    slug: 'active',
    args: ['--suite', 'active', '--expected-failures', join(appDir, 'conformance-baseline.yml')],
  },
  {
    // The same suite against the session lane (express-sessions pipeline): 2025 clients get
    // Mcp-Session-Id, GET streams and resumption, so the stateful scenarios run for real.
    name: 'active suite, session lane',
    slug: 'sessions',
    lane: 'sessions',
    args: [
      '--suite',
      'active',
      '--expected-failures',
      join(appDir, 'conformance-baseline.sessions.yml'),
    ],
  },
  {
    name: '2026-07-28 requirements',
    slug: '2026-07-28',
    args: [
      '--requirements',
      '2026-07-28',
      '--expected-failures',
      join(appDir, 'conformance-baseline.2026-07-28.yml'),
    ],
  },
];

/** Every child we start, so an exit path can stop whatever is still running. */
const children = new Set();

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function stop(child) {
  // Each child leads its own process group; signal the group so nothing it spawned lingers.
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
}

function stopAll(signal = 'SIGTERM') {
  for (const child of children) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  }
}

/**
 * Stops every child and waits for it: a server whose stderr pipe nobody reads any more can
 * block on a log write while it drains, so it gets SIGTERM, a few seconds, then SIGKILL.
 */
async function stopAllAndWait() {
  const exits = [...children].map((child) => once(child, 'exit'));
  stopAll('SIGTERM');
  const timer = setTimeout(() => stopAll('SIGKILL'), 6_000);
  await Promise.all(exits);
  clearTimeout(timer);
}

// Last resort (an exit path that could not wait): nothing may outlive the runner.
process.on('exit', () => stopAll('SIGKILL'));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopAll();
    process.exit(130);
  });
}

/** Starts the server (one lane) with PORT=0; resolves with the URL its "listening" line names. */
function startServer(lane = 'stateless') {
  const child = track(
    spawn(process.execPath, [serverEntry], {
      cwd: appDir,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
        LANE: lane,
      },
    }),
  );
  const log = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`server did not start within ${STARTUP_TIMEOUT_MS} ms\n${log.join('\n')}`),
        ),
      STARTUP_TIMEOUT_MS,
    );
    createInterface({ input: child.stderr }).on('line', (line) => {
      log.push(line);
      try {
        const entry = JSON.parse(line);
        if (entry.msg === 'conformance server listening') {
          clearTimeout(timer);
          resolve({ url: entry.url, log });
        }
      } catch {
        // not a JSON line: keep it for the error message
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (code ${code})\n${log.join('\n')}`));
    });
  });
}

/** Runs the suite once; resolves with its exit code and everything it printed. */
function runSuite(url, run) {
  const outputDir = join(reportsDir, run.slug);
  rmSync(outputDir, { recursive: true, force: true });
  const args = [cliEntry, 'server', '--url', url, '-o', outputDir, ...run.args];
  const child = track(
    spawn(process.execPath, args, {
      cwd: appDir,
      detached: true,
      env: { ...process.env, NO_COLOR: '1' },
    }),
  );
  let output = '';
  const collect = (chunk) => {
    output += chunk;
    if (verbose) process.stdout.write(chunk);
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      output += `\nTimed out after ${RUN_TIMEOUT_MS} ms.\n`;
      stop(child);
    }, RUN_TIMEOUT_MS);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

async function main() {
  for (const [path, hint] of [
    [serverEntry, 'build the app first: pnpm --filter @mcp-runway/conformance-server build'],
    [cliEntry, 'install dependencies first: pnpm install'],
  ]) {
    if (!existsSync(path)) {
      complain(`conformance: ${path} is missing; ${hint}`);
      return 1;
    }
  }

  const servers = new Map();
  let failed = 0;
  for (const run of runs) {
    const lane = run.lane ?? 'stateless';
    if (!servers.has(lane)) {
      const { url } = await startServer(lane);
      say(`conformance: ${lane} server listening at ${url}`);
      servers.set(lane, url);
    }
    const { code, output } = await runSuite(servers.get(lane), run);
    const summaryAt = output.indexOf('=== SUMMARY ===');
    say(`\n##### ${run.name} (exit ${code}) #####`);
    // On failure print everything: the per-scenario lines say which check broke and why.
    say(code === 0 && summaryAt >= 0 ? output.slice(summaryAt).trim() : output.trim());
    if (code !== 0) failed++;
  }

  say(
    failed === 0
      ? '\nconformance: all runs passed against their baselines'
      : `\nconformance: ${failed} of ${runs.length} runs failed; results in ${reportsDir}`,
  );
  return failed === 0 ? 0 : 1;
}

main()
  .then(async (code) => {
    await stopAllAndWait();
    process.exit(code);
  })
  .catch(async (error) => {
    complain(`conformance: ${error instanceof Error ? error.message : String(error)}`);
    await stopAllAndWait();
    process.exit(1);
  });
