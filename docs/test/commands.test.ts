/**
 * The shell blocks CI does not run (installs, builds, test suites, deploys) must not rot
 * either: every package, script, task, path and pinned version they name has to exist. The
 * same checks hold for runnable blocks, which must also stay runnable unattended.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Command,
  commands,
  filterPackage,
  filters,
  repoPaths,
  splitSpec,
} from './commands.js';
import { shellBlocks } from './markdown.js';
import { docPages, pinnedVersions, readManifest, repoRoot, workspacePackages } from './repo.js';

const packages = workspacePackages();
const byName = new Map(packages.map((pkg) => [pkg.manifest.name, pkg]));
const root = readManifest('');
const turboTasks = Object.keys(
  (JSON.parse(readFileSync(join(repoRoot, 'turbo.json'), 'utf8')) as { tasks: object }).tasks,
);
/** pnpm's own commands the pages use; anything else must be a root script or a root bin. */
const PNPM_COMMANDS = new Set(['install', 'i', 'add', 'exec', 'dlx', 'create', 'deploy', 'run']);

// Blocks marked `project` run in a generated project (create-mcp-runway's end-to-end test).
const blocks = docPages()
  .flatMap((page) => shellBlocks(page.file, page.text))
  .filter((block) => !block.project);
const at = (block: { file: string; line: number }) => `${block.file}:${block.line}`;

/** Where a repo path comes from: the tree, or the build of the package that holds it. */
function producedBy(path: string): string | undefined {
  if (existsSync(join(repoRoot, path))) return 'the repository';
  const owner = packages
    .filter((pkg) => pkg.dir && path.startsWith(`${pkg.dir}/dist/`))
    .sort((a, b) => b.dir.length - a.dir.length)[0];
  const scripts = owner?.manifest.scripts ?? {};
  if (!owner || !scripts.build) return undefined;
  const output = path.slice(owner.dir.length + 1); // dist/...
  // tsc: dist/x.js comes from src/x.ts.
  const source = output.replace(/^dist\//, 'src/').replace(/\.(js|d\.ts)$/, '.ts');
  if (source !== output && existsSync(join(repoRoot, owner.dir, source))) return 'its build';
  // A script of the package (a bundler, say) that names the file it writes.
  for (const script of Object.values(scripts)) {
    const file = /^node (\S+\.m?js)/.exec(script)?.[1];
    const text = file && readFileSync(join(repoRoot, owner.dir, file), 'utf8');
    if (text?.includes(output)) return `its script ${file}`;
  }
  return undefined;
}

/** Problems with a pnpm command line (`argv` without the leading `pnpm`). */
function pnpmProblems(argv: string[]): string[] {
  const problems: string[] = [];
  const command = argv.findIndex(
    (arg, i) => !arg.startsWith('-') && !/^(--filter|-F)$/.test(argv[i - 1] ?? ''),
  );
  const own = command === -1 ? argv : argv.slice(0, command);
  const [name, ...rest] = command === -1 ? [] : argv.slice(command);
  const targets = filters(own).map(filterPackage);
  for (const target of targets) {
    if (!byName.has(target))
      problems.push(`--filter ${target}: no workspace package has that name`);
  }
  if (!name) return problems;
  if (targets.length) {
    const script = name === 'run' ? rest[0] : PNPM_COMMANDS.has(name) ? undefined : name;
    for (const target of targets) {
      if (script && !byName.get(target)?.manifest.scripts?.[script]) {
        problems.push(`${target} has no "${script}" script`);
      }
    }
  } else if (name === 'turbo') {
    const tasks = rest[0] === 'run' ? rest.slice(1).filter((arg) => !arg.startsWith('-')) : [];
    for (const task of tasks) {
      if (!turboTasks.includes(task)) problems.push(`turbo.json has no "${task}" task`);
    }
    for (const target of filters(rest).map(filterPackage)) {
      if (!byName.has(target))
        problems.push(`--filter=${target}: no workspace package has that name`);
    }
    if (!root.devDependencies?.turbo) problems.push('turbo is not a root devDependency');
  } else if (!PNPM_COMMANDS.has(name) && !root.scripts?.[name]) {
    problems.push(`the root package.json has no "${name}" script`);
  }
  return problems;
}

/** Problems with one command; `npx --yes pnpm@x ...` is checked as pnpm too. */
function commandProblems({ argv }: Command): string[] {
  const [program, ...args] = argv;
  if (program === 'pnpm') return pnpmProblems(args);
  if (program === 'cd')
    return existsSync(join(repoRoot, args[0] ?? '')) ? [] : [`cd ${args[0]}: no such folder`];
  if (program === 'node') {
    const script = args.find((arg) => !arg.startsWith('-'));
    if (args.some((arg) => arg === '-e' || arg === '--eval') || !script) return [];
    return producedBy(script) ? [] : [`node ${script}: neither in the repository nor built`];
  }
  if (program !== 'npx') return [];
  const specIndex = args.findIndex((arg) => !arg.startsWith('-'));
  const [name, version] = splitSpec(args[specIndex] ?? '');
  const problems: string[] = [];
  if (!args.slice(0, specIndex).some((arg) => arg === '--yes' || arg === '-y')) {
    problems.push(`npx ${name}: without --yes it stops to ask`);
  }
  const pins = pinnedVersions(name);
  if (!version)
    problems.push(`npx ${name}: no version; the workspace pins ${[...pins].join(', ') || 'none'}`);
  else if (!pins.has(version)) {
    problems.push(
      `npx ${name}@${version}: the workspace pins ${[...pins].join(', ') || 'no version'}`,
    );
  }
  return name === 'pnpm' ? [...problems, ...pnpmProblems(args.slice(specIndex + 1))] : problems;
}

describe('shell blocks in the docs', () => {
  it('finds the shell blocks of the workshop, and runnable ones among them', () => {
    const workshop = blocks.filter((block) => block.file.startsWith('docs/workshop/'));
    expect(workshop.length).toBeGreaterThan(20);
    expect(workshop.filter((block) => block.runnable).length).toBeGreaterThan(10);
  });

  it.each(blocks.map((block) => [at(block), block] as const))(
    '%s names only packages, scripts, tasks, paths and versions that exist',
    (_where, block) => {
      const problems = [
        ...commands(block.code).flatMap(commandProblems),
        ...repoPaths(block.code)
          .filter((path) => !producedBy(path))
          .map((path) => `${path}: neither in the repository nor built`),
      ];
      expect(problems).toEqual([]);
    },
  );

  it.each(blocks.filter((block) => block.runnable).map((block) => [at(block), block] as const))(
    '%s is safe to run inside CI: no install, build, test run, container, deploy or cluster',
    (_where, block) => {
      const problems = commands(block.code).flatMap(({ argv }) => {
        const line = argv.join(' ');
        const [program, ...args] = argv;
        const forbidden =
          program === 'pnpm' ||
          (program === 'npx' && args.some((arg) => /^(pnpm|turbo)(@|$)/.test(arg))) ||
          ['turbo', 'docker', 'sam', 'apt-get', 'sudo'].includes(program ?? '') ||
          (program === 'kubectl' && args[0] !== 'kustomize');
        return forbidden ? [line] : [];
      });
      const urls = [...block.code.matchAll(/https?:\/\/[^\s'"`)]+/g)].map((m) => m[0]);
      if (block.wait) urls.push(block.wait);
      const remote = urls.filter((url) => new URL(url).hostname !== '127.0.0.1');
      expect({ forbidden: problems, notLoopback: remote }).toEqual({
        forbidden: [],
        notLoopback: [],
      });
    },
  );
});
