/**
 * The connect-a-host guide shows the `.mcp.json` that `claude mcp add --scope project` writes.
 * This runs the guide's own project-scope commands (the pinned Claude Code, through npx, in a
 * sandbox HOME) in a scratch folder, and compares what they wrote with what the page shows.
 * The local-scope commands are runnable blocks: runnable.test.ts runs them against the apps.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parseFences, shellBlocks } from './markdown.js';
import { docPages } from './repo.js';
import { createSandbox } from './sandbox.js';
import { runBlock } from './shell.js';

const page = docPages().find((candidate) => candidate.file === 'docs/guides/connect-a-host.md');
const sandbox = createSandbox();
const scratch = mkdtempSync(join(tmpdir(), 'mcp-runway-claude-code-'));
afterAll(() => {
  sandbox.remove();
  rmSync(scratch, { recursive: true, force: true });
});

it('the guide’s project-scope commands write exactly the .mcp.json it shows', async () => {
  if (!page) throw new Error('docs/guides/connect-a-host.md is missing');
  const commands = shellBlocks(page.file, page.text).filter((block) =>
    block.code.includes('--scope project'),
  );
  const shown = parseFences(page.text).filter((fence) =>
    /^json\b.*\bfile=\.mcp\.json\b/.test(fence.info),
  );
  expect(commands).toHaveLength(1);
  expect(shown).toHaveLength(1);

  const outcome = await runBlock(commands[0]?.code ?? '', {
    cwd: scratch,
    env: sandbox.env,
    timeoutMs: 60_000,
  });
  expect(outcome.code, `${outcome.stdout}\n${outcome.stderr}`).toBe(0);
  const written: unknown = JSON.parse(readFileSync(join(scratch, '.mcp.json'), 'utf8'));
  expect(written).toEqual(JSON.parse(shown[0]?.code ?? ''));
}, 65_000);
