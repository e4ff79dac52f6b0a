/** A small Dockerfile reader: enough to pull the stages and instructions the tests replay. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const dockerfilePath = fileURLToPath(new URL('../../docker/Dockerfile', import.meta.url));

export interface Instruction {
  keyword: string;
  args: string;
  stage: string | undefined;
}

export function parseDockerfile(text = readFileSync(dockerfilePath, 'utf8')): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const instructions: Instruction[] = [];
  let stage: string | undefined;
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match?.[1] || match[2] === undefined) continue;
    const keyword = match[1].toUpperCase();
    const args = match[2].trim();
    if (keyword === 'FROM') stage = /\bAS\s+(\S+)/i.exec(args)?.[1];
    instructions.push({ keyword, args, stage });
  }
  return instructions;
}

/** The command of an exec-form (JSON array) instruction such as CMD or HEALTHCHECK CMD. */
export function execForm(args: string): string[] {
  const start = args.indexOf('[');
  const parsed: unknown = JSON.parse(args.slice(start));
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) {
    throw new Error(`not an exec-form command: ${args}`);
  }
  return parsed as string[];
}
