#!/usr/bin/env node
// Adds up the vitest JSON reports every workspace package wrote (reports/vitest*.json) and
// prints one closing line, "tests: N passed, N failed", for people and CI alike.
// Exits non-zero when a test failed or was skipped, or when no test ran at all.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// The workspace's packages: every folder of packages/, apps/ and infra/, and docs/ itself.
const packageDirs = ['packages', 'apps', 'infra']
  .filter((group) => existsSync(join(root, group)))
  .flatMap((group) =>
    readdirSync(join(root, group))
      .sort()
      .map((name) => `${group}/${name}`),
  )
  .concat('docs');
const rows = [];
for (const dir of packageDirs) {
  const reports = join(root, dir, 'reports');
  if (!existsSync(reports)) continue;
  // vitest.json, plus any further run a package keeps apart (vitest-e2e.json).
  for (const file of readdirSync(reports)
    .filter((name) => /^vitest.*\.json$/.test(name))
    .sort()) {
    const json = JSON.parse(readFileSync(join(reports, file), 'utf8'));
    rows.push({
      package: file === 'vitest.json' ? dir : `${dir} (${file.slice(7, -5)})`,
      passed: json.numPassedTests,
      failed: json.numFailedTests,
      skipped: json.numPendingTests + json.numTodoTests,
    });
  }
}

const total = (key) => rows.reduce((sum, row) => sum + row[key], 0);
for (const row of rows) {
  console.log(
    `${row.package.padEnd(32)} ${String(row.passed).padStart(4)} passed  ${row.failed} failed  ${row.skipped} skipped`,
  );
}
const [passed, failed, skipped] = [total('passed'), total('failed'), total('skipped')];
if (skipped > 0) console.log(`${skipped} test(s) skipped: every test must run.`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || skipped > 0 || passed === 0 ? 1 : 0);
