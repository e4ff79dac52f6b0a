#!/usr/bin/env node
// Adds up the vitest JSON reports every workspace package wrote (reports/vitest*.json) and
// prints one closing line, "tests: N passed, N failed", for people and CI alike.
// Exits non-zero when a test failed or was skipped, when no test ran at all, or when a report a
// package's scripts (or a script they run, like infra/containers' ci.sh) declare is missing: a
// test run that died before writing its report must not pass unnoticed.
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
/** The reports a package promises: every `--outputFile.json=reports/<file>` in its scripts. */
function declaredReports(dir) {
  const manifest = join(root, dir, 'package.json');
  if (!existsSync(manifest)) return [];
  const sources = Object.values(JSON.parse(readFileSync(manifest, 'utf8')).scripts ?? {});
  // A script that runs a shell file (`bash ci.sh`) declares what that file writes.
  for (const script of [...sources]) {
    const file = /^(?:bash|sh) (\S+\.sh)\b/.exec(script)?.[1];
    if (file && existsSync(join(root, dir, file))) {
      sources.push(readFileSync(join(root, dir, file), 'utf8'));
    }
  }
  const names = sources.flatMap((text) =>
    [...text.matchAll(/--outputFile\.json=reports\/(vitest[\w.-]*\.json)/g)].map((m) => m[1]),
  );
  return [...new Set(names)];
}

const rows = [];
const missing = [];
for (const dir of packageDirs) {
  const reports = join(root, dir, 'reports');
  for (const file of declaredReports(dir)) {
    if (!existsSync(join(reports, file))) missing.push(`${dir}/reports/${file}`);
  }
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
for (const file of missing) console.log(`missing report: ${file} (its test run wrote nothing)`);
console.log(
  `tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${
    missing.length ? `, ${missing.length} report(s) missing` : ''
  }`,
);
process.exit(failed > 0 || skipped > 0 || passed === 0 || missing.length > 0 ? 1 : 0);
