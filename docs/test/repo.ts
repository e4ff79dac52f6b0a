/** What the docs tests know about the repository: its pages and its workspace packages. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot: string = fileURLToPath(new URL('../../', import.meta.url));

export interface Page {
  /** Repo-relative path, e.g. `docs/workshop/01-stdio.md`. */
  file: string;
  text: string;
}

function readPage(path: string): Page {
  return { file: relative(repoRoot, path), text: readFileSync(path, 'utf8') };
}

/** The workshop steps, in order (01-...md to 07-...md). */
export function workshopPages(): Page[] {
  const dir = join(repoRoot, 'docs', 'workshop');
  return readdirSync(dir)
    .filter((name) => /^\d\d-.*\.md$/.test(name))
    .sort()
    .map((name) => readPage(join(dir, name)));
}

/** The READMEs of apps/*, packages/* and infra/*: they give recipes too, and are tested alike. */
export function readmePages(): Page[] {
  return ['apps', 'packages', 'infra'].flatMap((parent) =>
    readdirSync(join(repoRoot, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(repoRoot, parent, entry.name, 'README.md'))
      .filter((path) => existsSync(path))
      .map(readPage),
  );
}

/**
 * Every page a reader follows: the Markdown under docs/ (node_modules aside), the repository
 * README and the READMEs of apps/*, packages/* and infra/*, in path order.
 */
export function docPages(): Page[] {
  const pages: Page[] = [readPage(join(repoRoot, 'README.md')), ...readmePages()];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.md')) pages.push(readPage(path));
    }
  };
  walk(join(repoRoot, 'docs'));
  return pages.sort((a, b) => a.file.localeCompare(b.file));
}

export interface Manifest {
  name?: string;
  version?: string;
  packageManager?: string;
  scripts?: Record<string, string>;
  bin?: string | Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  /** Repo-relative directory; '' for the root. */
  dir: string;
  manifest: Manifest;
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')) as Manifest;
}

/** The root and every package pnpm-workspace.yaml lists (`dir/*` globs and plain folders). */
export function workspacePackages(): WorkspacePackage[] {
  const yaml = readFileSync(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8');
  // The `packages:` list only: other top-level lists (onlyBuiltDependencies) name packages.
  const list = /^packages:\n((?:[ \t]+.*\n|[ \t]*#.*\n)*)/m.exec(yaml)?.[1] ?? '';
  const globs = [...list.matchAll(/^\s*-\s*['"]?([^'"\s#]+)['"]?\s*$/gm)].map((m) => m[1] ?? '');
  const dirs = globs.flatMap((glob) => {
    if (!glob.endsWith('/*')) return [glob];
    const parent = glob.slice(0, -2);
    return readdirSync(join(repoRoot, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}`);
  });
  return ['', ...dirs]
    .filter((dir) => existsSync(join(repoRoot, dir, 'package.json')))
    .map((dir) => ({ dir, manifest: readManifest(dir) }));
}

/**
 * The versions the workspace pins for a package: its exact versions in any dependency list,
 * and pnpm's in the root's `packageManager`.
 */
export function pinnedVersions(name: string): Set<string> {
  const versions = new Set<string>();
  for (const { manifest } of workspacePackages()) {
    for (const deps of [manifest.dependencies, manifest.devDependencies]) {
      const version = deps?.[name];
      if (version && /^\d+\.\d+\.\d+/.test(version)) versions.add(version);
    }
    const [manager, version] = (manifest.packageManager ?? '').split('@');
    if (manager === name && version) versions.add(version);
  }
  return versions;
}
