#!/usr/bin/env node
/**
 * `pnpm create mcp-runway my-server` (also `npm create mcp-runway`, `npx create-mcp-runway`).
 * Flags first, prompts for the rest when someone is at a terminal, then write and report.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import * as p from '@clack/prompts';
import { PNPM, pnpmCommand } from './generated.js';
import { parseFlags, UsageError, usage } from './options.js';
import { canPrompt, decide } from './prompts.js';
import { scaffold } from './scaffold.js';

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2), process.cwd());
  if (flags.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (flags.version) {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    process.stdout.write(`${manifest.version}\n`);
    return 0;
  }
  const interactive = canPrompt(process.env, process.stdin.isTTY);
  if (interactive && !flags.yes) p.intro('create-mcp-runway');
  const choices = await decide(flags, {
    cwd: process.cwd(),
    interactive,
    userAgent: process.env.npm_config_user_agent,
  });
  const result = await scaffold(choices);

  const where = relative(process.cwd(), result.directory) || '.';
  const pnpm = pnpmCommand(choices.packageManager);
  const lines = [
    `Created ${where} (${result.files.size} files): apps ${result.apps.join(', ')}; example ${choices.example}; auth ${choices.auth}; state ${choices.state}; infra ${choices.infra.join(', ') || 'none'}.`,
    ...(result.apiKey
      ? [
          `API key for the principal "me" (shown once: .env keeps only its hash): ${result.apiKey}`,
          '  Clients send it as "Authorization: Bearer <key>".',
        ]
      : []),
    ...result.warnings.map((warning) => `Warning: ${warning}`),
    'Next:',
    `  cd ${where}`,
    ...(choices.install ? [] : [`  ${pnpm} install`]),
    `  ${pnpm} start      # the main server on embedded defaults`,
    `  ${pnpm} check      # lint, typecheck, build and every test`,
  ];
  if (choices.packageManager !== 'pnpm') {
    lines.push(`The project is a pnpm workspace; ${PNPM} runs through ${choices.packageManager}.`);
  }
  if (interactive && !flags.yes) p.outro(lines.join('\n'));
  else process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`create-mcp-runway: ${message}\n`);
    if (!(error instanceof UsageError)) process.stderr.write('Run with --help for the options.\n');
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
