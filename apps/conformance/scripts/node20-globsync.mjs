/**
 * Lets @modelcontextprotocol/conformance (0.1.14+) run on Node 20.
 *
 * The suite imports `globSync` from `fs`, which Node added in 22. Loaded with
 * `node --import ./scripts/node20-globsync.mjs ...`, this file registers a resolve hook
 * that hands the conformance package (and only it) a copy of `node:fs` with a small
 * `globSync` added. On Node 22+ it does nothing. The suite only globs `**\/checks.json`
 * under a results folder, so the stand-in supports `*`, `?` and `**` and nothing more.
 */
import fs from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const PACKAGE_MARKER = '/@modelcontextprotocol/conformance/';

// The replacement `fs` module, as source: node:fs re-exported, plus globSync.
const FS_WITH_GLOB = `
import fs from 'node:fs';
import path from 'node:path';
export * from 'node:fs';
export default fs;

function toRegExp(pattern) {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*' && pattern[i + 1] === '*') {
      // "**/" matches any number of folders, including none.
      source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^\${}()|[\\]\\\\]/g, '\\\\$&');
  }
  return new RegExp('^' + source + '$');
}

export function globSync(pattern, options = {}) {
  const cwd = String(options.cwd ?? process.cwd());
  const patterns = (Array.isArray(pattern) ? pattern : [pattern]).map(toRegExp);
  const found = [];
  const walk = (relative) => {
    let entries;
    try {
      entries = fs.readdirSync(path.join(cwd, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = relative ? relative + '/' + entry.name : entry.name;
      if (patterns.some((re) => re.test(child))) found.push(child.split('/').join(path.sep));
      if (entry.isDirectory()) walk(child);
    }
  };
  walk('');
  return found;
}
`;

const FS_URL = `data:text/javascript,${encodeURIComponent(FS_WITH_GLOB)}`;

/** Module resolve hook: runs on the loader thread for every import. */
export async function resolve(specifier, context, nextResolve) {
  if (
    (specifier === 'fs' || specifier === 'node:fs') &&
    context.parentURL?.includes(PACKAGE_MARKER)
  ) {
    return { url: FS_URL, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

// This file is both the --import entry (main thread) and the hooks module (loader thread);
// only the entry registers, and only where globSync is missing.
if (isMainThread && typeof fs.globSync !== 'function') {
  register(import.meta.url);
}
