/**
 * The built view (`pnpm build` runs `vite build` first): one self-contained HTML file that
 * fetches nothing, within its size budget.
 */
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BOARD_VIEW_BUDGET_BYTES, boardViewFile } from './view.js';

const dir = new URL('.', boardViewFile);

describe('the ticket-board view bundle', () => {
  it('is a single HTML file', async () => {
    expect(await readdir(dir)).toEqual(['board.html']);
  });

  it('inlines its scripts and styles and references nothing outside itself', async () => {
    const html = await readFile(boardViewFile, 'utf8');
    expect(html).toMatch(/<script type="module"[^>]*>[^<]/);
    expect(html).toMatch(/<style[^>]*>[^<]/);
    expect(html).not.toMatch(/<(?:script|img|iframe|source|video|audio)\b[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link\b[^>]*\shref=/i);
    expect(html).not.toMatch(/@import\s|url\(\s*['"]?(?:https?:)?\/\//i);
  });

  it(`stays under its size budget (${BOARD_VIEW_BUDGET_BYTES / 1024} KiB)`, async () => {
    const { byteLength } = await readFile(boardViewFile);
    expect(byteLength).toBeGreaterThan(1000);
    expect(byteLength).toBeLessThan(BOARD_VIEW_BUDGET_BYTES);
  });
});
