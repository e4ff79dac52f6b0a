/**
 * The templates ship inside this package (copied from the mcp-runway repo at build time by
 * scripts/copy-templates.mjs), so scaffolding never downloads anything. npm drops dotfiles
 * such as .gitignore from published packages, so they travel as `_gitignore` etc.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const templateRoot = fileURLToPath(new URL('../dist/templates/', import.meta.url));

/** Stored name → the name it gets in the project. */
export const dotfiles: Record<string, string> = {
  _gitignore: '.gitignore',
  _dockerignore: '.dockerignore',
};

export interface Template {
  /** Every file, by its path in the project (forward slashes). */
  files: ReadonlySet<string>;
  read(path: string): Buffer;
}

export function loadTemplate(root: string = templateRoot): Template {
  const stored = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const path = relative(root, full).split(sep).join('/');
        const parts = path.split('/');
        const last = parts.pop() as string;
        stored.set([...parts, dotfiles[last] ?? last].join('/'), full);
      }
    }
  };
  walk(root);
  if (stored.size === 0) throw new Error(`no templates in ${root}: build create-mcp-runway first`);
  return {
    files: new Set(stored.keys()),
    read(path) {
      const full = stored.get(path);
      if (full === undefined) throw new Error(`template has no ${path}`);
      return readFileSync(full);
    },
  };
}
