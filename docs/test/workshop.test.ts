/**
 * The workshop as a whole: docs/README.md links the steps in order, each step says where it
 * starts from (what is unchanged, new and replaced since the step before), and every relative
 * link in the docs reaches a file, and a heading when it names one.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFences } from './markdown.js';
import { docPages, repoRoot, workshopPages } from './repo.js';

const steps = workshopPages();
const readme = readFileSync(join(repoRoot, 'docs', 'README.md'), 'utf8');

/** The page's text outside code fences, so a `#` in a shell block is not a heading. */
function prose(text: string): string {
  const lines = text.split('\n');
  for (const fence of parseFences(text)) {
    const length = fence.code.split('\n').length; // body lines plus the closing fence
    lines.fill('', fence.line - 1, fence.line + length);
  }
  return lines.join('\n');
}

function sections(text: string): { title: string; body: string }[] {
  return prose(text)
    .split(/^## /m)
    .slice(1)
    .map((part) => {
      const [title = '', ...body] = part.split('\n');
      return { title: title.trim(), body: body.join('\n') };
    });
}

/** GitHub's anchor for a heading (github-slugger): lower case, punctuation gone, `-` for spaces. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replaceAll(' ', '-');
}

function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading = ''] of prose(readFileSync(file, 'utf8')).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count ? `${base}-${count}` : base);
  }
  return result;
}

describe('the workshop', () => {
  it('has eight steps, and docs/README.md links them in order', () => {
    expect(steps.map((page) => page.file.replace('docs/workshop/', '').slice(0, 2))).toEqual([
      '01',
      '02',
      '03',
      '04',
      '05',
      '06',
      '07',
      '08',
    ]);
    const linked = [...readme.matchAll(/\]\((workshop\/\d\d-[\w-]+\.md)\)/g)].map((m) => m[1]);
    expect([...new Set(linked)]).toEqual(steps.map((page) => page.file.replace('docs/', '')));
  });

  it.each(steps.map((page, index) => [page.file, page, index + 1] as const))(
    '%s names its step and app, then says what changes from the step before',
    (_file, page, step) => {
      expect(page.text.split('\n')[0]).toMatch(new RegExp(`^# Step ${step} — `));
      expect(page.text).toMatch(/^\*\*(App|Apps|Artefacts):\*\*/m);
      const [first] = sections(page.text);
      if (step === 1) {
        expect(first?.title).toBe('Starting point');
        return;
      }
      expect(first?.title).toBe(`What changes from step ${step - 1}`);
      for (const label of ['Unchanged', 'New', 'Replaced']) {
        expect(first?.body, `${page.file}: no **${label}:**`).toContain(`**${label}:**`);
      }
    },
  );

  it('indexes each step diff in docs/README.md', () => {
    const expected = steps.map((page, index) =>
      index === 0
        ? `${page.file.replace('docs/', '')}#starting-point`
        : `${page.file.replace('docs/', '')}#what-changes-from-step-${index}`,
    );
    for (const link of expected) expect(readme).toContain(`](${link})`);
  });
});

describe('links in the docs', () => {
  const links = docPages().flatMap((page) =>
    [...prose(page.text).matchAll(/\]\(([^)\s]+)\)/g)]
      .map((m) => m[1] ?? '')
      .filter((target) => !/^[a-z]+:/.test(target))
      .map((target) => ({ page: page.file, target })),
  );

  it.each(links.map((link) => [`${link.page} → ${link.target}`, link] as const))(
    '%s resolves',
    (_name, { page, target }) => {
      const [path = '', anchor] = target.split('#');
      const file = path ? join(repoRoot, dirname(page), path) : join(repoRoot, page);
      expect(existsSync(file), `${relative(repoRoot, file)} does not exist`).toBe(true);
      if (anchor && statSync(file).isFile() && file.endsWith('.md')) {
        expect([...anchors(file)]).toContain(anchor);
      }
    },
  );
});
