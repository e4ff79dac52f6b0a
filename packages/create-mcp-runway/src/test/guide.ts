/**
 * Follows docs/guides/add-a-tool.md in a generated project, as a user would: every
 * ```ts file=<path> block is written to that path, every ```sh project block is run, in page
 * order. Other blocks are prose for the reader (snippets of an edit, commands to try).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const addAToolGuide = new URL('../../../../docs/guides/add-a-tool.md', import.meta.url);

export interface GuideStep {
  kind: 'file' | 'shell';
  /** The file's path (file) or the commands (shell). */
  target: string;
  body: string;
}

export function guideSteps(markdown: string): GuideStep[] {
  const steps: GuideStep[] = [];
  for (const match of markdown.matchAll(/^```(\w+)([^\n]*)\n([\s\S]*?)^```$/gm)) {
    const [, language, info = '', body = ''] = match;
    const file = /\bfile=(\S+)/.exec(info)?.[1];
    if (language === 'ts' && file) steps.push({ kind: 'file', target: file, body });
    else if (language === 'sh' && info.trim() === 'project')
      steps.push({ kind: 'shell', target: body, body });
  }
  return steps;
}

/** Applies every step in `cwd`; returns them, so a test can say what it did. */
export function followGuide(cwd: string, markdown = readFileSync(addAToolGuide, 'utf8')) {
  const steps = guideSteps(markdown);
  for (const step of steps) {
    if (step.kind === 'file') {
      const path = join(cwd, step.target);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, step.body);
    } else execFileSync('bash', ['-euo', 'pipefail', '-c', step.body], { cwd, stdio: 'pipe' });
  }
  return steps;
}
