import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { type Finished, runCommand } from '@mcp-runway/testing/process';

export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export type Run = Finished;

/** The environment of a fresh shell: nothing from the package manager or test runner running us. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|TURBO_|VITEST|NODE_OPTIONS$|INIT_CWD$)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

export function runCli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<Run> {
  return runCommand(process.execPath, [cliPath, ...args], {
    cwd,
    env: cleanEnv({ CI: 'true', ...env }),
  });
}

/** Every file under a folder, relative, with forward slashes (no .git). */
export function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git' || entry.name === 'node_modules') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return files.sort();
}

/** How this test run reaches pnpm: the one running it when there is one, else npx. */
export function pnpm(): { command: string; args: string[] } {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) return { command: process.execPath, args: [execPath] };
  return { command: 'npx', args: ['--yes', 'pnpm@10.34.9'] };
}

/**
 * Runs the CLI at a real terminal (util-linux `script` gives it a pty; `stty` a size, since
 * prompts wrap at the terminal's width) and answers each prompt when its text appears.
 */
export function runAtTerminal(
  args: string[],
  cwd: string,
  answers: readonly (readonly [prompt: string, keys: string])[],
): Promise<Run> {
  const env = cleanEnv();
  delete env.CI;
  const command = `stty cols 120 rows 40; exec ${process.execPath} ${cliPath} ${args.join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  return (async () => {
    let seen = 0;
    for (const [prompt, keys] of answers) {
      const started = Date.now();
      for (;;) {
        const at = stripVTControlCharacters(stdout).indexOf(prompt, seen);
        if (at >= 0) {
          seen = at + prompt.length;
          break;
        }
        if (Date.now() - started > 10_000) {
          child.kill('SIGKILL');
          throw new Error(`no prompt "${prompt}":\n${stripVTControlCharacters(stdout)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await new Promise((resolve) => setTimeout(resolve, 100)); // let the prompt take raw input
      child.stdin.write(keys);
    }
    const code = await exited;
    return { code, stdout: stripVTControlCharacters(stdout), stderr };
  })();
}
