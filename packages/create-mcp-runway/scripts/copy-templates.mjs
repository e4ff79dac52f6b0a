#!/usr/bin/env node
// Copies the parts of this repo a new project can be made of into dist/templates, so the
// published package scaffolds offline. Runs as part of `build`; the source of truth stays the
// repo itself, tested as it is. Dotfiles travel renamed (npm drops .gitignore).
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const out = fileURLToPath(new URL('../dist/templates/', import.meta.url));

const rootFiles = {
  'package.json': 'package.json',
  'pnpm-lock.yaml': 'pnpm-lock.yaml',
  'tsconfig.base.json': 'tsconfig.base.json',
  'turbo.json': 'turbo.json',
  'biome.json': 'biome.json',
  '.gitignore': '_gitignore',
  '.dockerignore': '_dockerignore',
  'scripts/test-summary.mjs': 'scripts/test-summary.mjs',
  'scripts/new-package.sh': 'scripts/new-package.sh',
  'scripts/ensure-node.sh': 'scripts/ensure-node.sh',
};
// What a project can hold: the shared packages (not this scaffolder), the workshop apps (not
// the conformance fixture), and infra.
const folders = {
  packages: (name) => name !== 'create-mcp-runway',
  apps: (name) => name !== 'conformance',
  infra: () => true,
};
const skip = new Set(['node_modules', 'dist', 'reports', '.turbo', 'coverage', '.aws-sam']);
const skipFile = (name) =>
  /\.(tsbuildinfo|cpuprofile|log)$/.test(name) || name === '.env' || name.startsWith('.env.');
let count = 0;
const keep = (path) => {
  const entry = basename(path);
  if (skip.has(entry) || skipFile(entry)) return false;
  count += 1;
  return true;
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const [from, to] of Object.entries(rootFiles)) {
  cpSync(join(repo, from), join(out, to));
}
count += Object.keys(rootFiles).length;
for (const [group, wanted] of Object.entries(folders)) {
  for (const name of readdirSync(join(repo, group)).sort()) {
    const source = join(repo, group, name);
    if (!wanted(name) || !existsSync(join(source))) continue;
    cpSync(source, join(out, group, name), { recursive: true, filter: keep });
  }
}
// The configuration reference: every variable, for a project's .env.example (src/env.ts).
cpSync(join(repo, 'docs/reference/configuration.md'), join(out, '_docs/configuration.md'));
count += 1;
// The guides every project gets (add a tool, connect a host), as docs/guides/ in the project.
for (const name of readdirSync(join(repo, 'docs/guides')).filter((file) => file.endsWith('.md'))) {
  cpSync(join(repo, 'docs/guides', name), join(out, 'docs/guides', name));
  count += 1;
}
// The minimal example: the server package's replacement files (see src/parts.ts).
const minimal = join(repo, 'packages/create-mcp-runway/examples/minimal');
cpSync(minimal, join(out, '_examples/minimal'), { recursive: true, filter: keep });
process.stdout.write(`templates: copied ${count} entries into dist/templates\n`);
