/**
 * The new project gets mcp-runway's own lockfile cut down to the parts it has, so its first
 * `pnpm install --frozen-lockfile` installs exactly the versions mcp-runway tests with, and
 * works offline from a warm store. pnpm keeps importers it no longer sees in a lockfile, so we
 * prune them ourselves: drop the importers and dependencies that are gone, then keep only the
 * packages still reachable from what is left.
 */
import { parse, stringify } from 'yaml';

type DepMap = Record<string, { specifier: string; version: string }>;
interface Importer {
  dependencies?: DepMap;
  devDependencies?: DepMap;
  optionalDependencies?: DepMap;
}
interface Snapshot {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
interface Lockfile {
  importers: Record<string, Importer>;
  packages?: Record<string, unknown>;
  snapshots?: Record<string, Snapshot>;
  [key: string]: unknown;
}

export interface PruneOptions {
  /** Importer paths to keep ('.' is the root). */
  importers: ReadonlySet<string>;
  /** Per importer, dependency names that were removed from its package.json. */
  removed: ReadonlyMap<string, ReadonlySet<string>>;
  /** Renames package names (the scope), applied to importer dependency keys. */
  rename: (name: string) => string;
}

const GROUPS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

/** `name@1.2.3(peer@1)` for a snapshot; an alias already carries its target's name. */
function snapshotKey(name: string, version: string): string | undefined {
  if (version.startsWith('link:')) return undefined;
  const base = version.replace(/\(.*$/, '');
  return base.includes('@') ? version : `${name}@${version}`;
}

const packageKey = (snapshot: string): string => snapshot.replace(/\(.*$/, '');

export function pruneLockfile(text: string, options: PruneOptions): string {
  const lock = parse(text) as Lockfile;
  const importers: Record<string, Importer> = {};
  for (const [path, importer] of Object.entries(lock.importers)) {
    if (!options.importers.has(path)) continue;
    const removed = options.removed.get(path) ?? new Set<string>();
    const kept: Importer = {};
    for (const group of GROUPS) {
      const deps = importer[group];
      if (!deps) continue;
      const renamed: DepMap = {};
      for (const name of Object.keys(deps).sort()) {
        if (removed.has(name)) continue;
        renamed[options.rename(name)] = deps[name] as DepMap[string];
      }
      if (Object.keys(renamed).length > 0) kept[group] = sortKeys(renamed);
    }
    importers[path] = kept;
  }
  lock.importers = importers;

  // Walk what the kept importers need, through the snapshots' own dependencies.
  const snapshots = lock.snapshots ?? {};
  const reachable = new Set<string>();
  const queue: string[] = [];
  const visit = (name: string, version: string) => {
    const key = snapshotKey(name, version);
    if (key === undefined || reachable.has(key)) return;
    if (!(key in snapshots)) throw new Error(`lockfile: no snapshot for ${key}`);
    reachable.add(key);
    queue.push(key);
  };
  for (const importer of Object.values(importers)) {
    for (const group of GROUPS) {
      for (const [name, dep] of Object.entries(importer[group] ?? {})) visit(name, dep.version);
    }
  }
  for (let key = queue.pop(); key !== undefined; key = queue.pop()) {
    const snapshot = snapshots[key] ?? {};
    for (const deps of [snapshot.dependencies, snapshot.optionalDependencies]) {
      for (const [name, version] of Object.entries(deps ?? {})) visit(name, version);
    }
  }
  lock.snapshots = Object.fromEntries(Object.entries(snapshots).filter(([k]) => reachable.has(k)));
  const packages = new Set([...reachable].map(packageKey));
  lock.packages = Object.fromEntries(
    Object.entries(lock.packages ?? {}).filter(([key]) => packages.has(key)),
  );
  return stringify(lock, { lineWidth: 0, singleQuote: true });
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
