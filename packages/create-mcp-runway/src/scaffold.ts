/**
 * Writes a planned project to disk, then (optionally) runs git init and the install. Refuses a
 * folder that already holds files unless told to write into it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pnpmCommand } from './generated.js';
import { type Choices, productName, UsageError } from './options.js';
import { type Plan, planProject } from './plan.js';
import { loadTemplate, type Template } from './template.js';

export interface ScaffoldResult extends Plan {
  directory: string;
  /** Steps after writing that did not work (git or install), in words. */
  warnings: string[];
}

const EXECUTABLE = /(^\.ci\/run$|\.sh$)/;

export function isEmptyDirectory(directory: string): boolean {
  if (!existsSync(directory)) return true;
  return readdirSync(directory).filter((entry) => entry !== '.git').length === 0;
}

export function writeProject(directory: string, plan: Plan, force: boolean): void {
  if (!force && !isEmptyDirectory(directory)) {
    throw new UsageError(`${directory} is not empty (pass --force to write into it)`);
  }
  for (const [path, content] of plan.files) {
    const target = join(directory, path);
    mkdirSync(dirname(target), { recursive: true });
    const mode = EXECUTABLE.test(path) ? 0o755 : path === '.env' ? 0o600 : 0o644;
    writeFileSync(target, content, { mode });
  }
}

function run(command: string, args: string[], cwd: string, quiet: boolean): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      stdio: quiet ? 'ignore' : ['ignore', 'inherit', 'inherit'],
      shell: process.platform === 'win32',
    });
    child.on('error', () => resolve(-1));
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

/**
 * Renaming the scope can change how imports sort and how long lines are, so the new project is
 * put through its own formatter (the same Biome version it lints with) before anyone sees it.
 */
function format(directory: string): Promise<number> {
  const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
  return run(
    process.execPath,
    [biome, 'check', '--write', '--linter-enabled=false', '.'],
    directory,
    true,
  );
}

/**
 * `git init` and one commit of everything written (before the install, which changes nothing
 * tracked). With no git identity configured, the commit is made as the project itself.
 */
async function firstCommit(directory: string, name: string): Promise<string | undefined> {
  if ((await run('git', ['init', '--quiet'], directory, true)) !== 0) {
    return 'git init did not run (is git installed?)';
  }
  const identity =
    (await run('git', ['config', 'user.email'], directory, true)) === 0
      ? []
      : ['-c', `user.name=${name}`, '-c', `user.email=${name}@localhost`];
  if ((await run('git', ['add', '--all'], directory, true)) !== 0) return 'git add failed';
  const commit = ['commit', '--quiet', '--no-verify', '-m', 'Scaffolded with create-mcp-runway'];
  if ((await run('git', [...identity, ...commit], directory, true)) !== 0) {
    return 'the first git commit failed; commit the files by hand';
  }
  return undefined;
}

export async function scaffold(
  choices: Choices,
  template: Template = loadTemplate(),
): Promise<ScaffoldResult> {
  const plan = planProject(template, choices);
  writeProject(choices.directory, plan, choices.force);
  const warnings: string[] = [];
  if ((await format(choices.directory)) !== 0) {
    warnings.push('formatting the new files failed; run `pnpm biome check --write .` in it');
  }
  if (choices.git && !existsSync(join(choices.directory, '.git'))) {
    const problem = await firstCommit(choices.directory, productName(choices));
    if (problem) warnings.push(problem);
  }
  if (choices.install) {
    const [command, ...args] = pnpmCommand(choices.packageManager).split(' ');
    const code = await run(command as string, [...args, 'install'], choices.directory, false);
    if (code !== 0) warnings.push(`the install failed (exit ${code}); run it again by hand`);
  }
  return { ...plan, directory: choices.directory, warnings };
}
