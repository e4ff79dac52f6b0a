import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { errorCatalog } from '@mcp-runway/errors';
import { describe, expect, it } from 'vitest';

/**
 * Keeps docs/reference in step with the code: the configuration tables with the config pieces
 * and the apps that compose them (read as text: the pieces live next to the code of the
 * packages that read them), the error table with the catalog.
 */
const read = (path: string) => readFile(new URL(`../../${path}`, import.meta.url), 'utf8');

/** Where each app's schema is composed. */
const appSchemas: Record<string, string> = {
  stdio: 'apps/stdio/src/config.ts',
  'hono-http': 'apps/hono-http/src/config.ts',
  'express-sessions': 'apps/express-sessions/src/config.ts',
  lambda: 'apps/lambda/src/app.ts',
  conformance: 'apps/conformance/src/config.ts',
};
const BASE = 'packages/config/src/fields.ts';

/** Source without comments, so a brace or a `KEY:` in a comment does not count. */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
}

/** The balanced `open ... close` text starting at `start` (which holds `open`). */
function balanced(text: string, start: number, open: string, close: string): string {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error(`unbalanced ${open}${close} at ${start}`);
}

/**
 * Upper-case keys of every object literal a schema is built from: `configPiece({ ... })`,
 * `extend({ ... })`, `safeExtend({ ... })`, `z.object({ ... })`.
 */
function schemaKeys(source: string): string[] {
  const text = code(source);
  const keys: string[] = [];
  for (const m of text.matchAll(/(?:configPiece|[eE]xtend|z\.object)\(\s*\{/g)) {
    const object = balanced(text, (m.index ?? 0) + m[0].length - 1, '{', '}');
    for (const key of object.matchAll(/(?:^|[{,])\s*([A-Z][A-Z0-9_]+)\s*:/gm)) {
      if (key[1]) keys.push(key[1]);
    }
  }
  return keys;
}

/** `local name -> package` for the named imports from workspace packages. */
function imports(source: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@mcp-runway\/([\w-]+)'/g)) {
    for (const spec of (m[1] ?? '').split(',')) {
      const [imported = '', local = imported] = spec
        .replace(/^\s*type\s+/, '')
        .split(/\s+as\s+/)
        .map((part) => part.trim());
      if (local) names.set(local, `${m[2]}:${imported}`);
    }
  }
  return names;
}

/** The file under `packages/<pkg>/src` that declares `export const <name> = configPiece(`. */
async function pieceFile(pkg: string, name: string): Promise<string> {
  const dir = `packages/${pkg}/src`;
  const files = readdirSync(new URL(`../../${dir}`, import.meta.url), { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
  for (const file of files) {
    const source = await read(`${dir}/${file}`);
    if (new RegExp(`export const ${name} = configPiece\\(`).test(source)) return `${dir}/${file}`;
  }
  throw new Error(`no configPiece named ${name} in ${dir}`);
}

/**
 * Adds a piece's file and variables, and those of the pieces it spreads in
 * (`...view.viewSettings.shape`, declared in the same package).
 */
async function addPiece(pkg: string, name: string, files: string[], keys: Set<string>) {
  const file = await pieceFile(pkg, name);
  files.push(file);
  const source = await read(file);
  for (const key of schemaKeys(source)) keys.add(key);
  const piece = new RegExp(`export const ${name} = configPiece\\(`).exec(source);
  const body = piece ? balanced(code(source), code(source).indexOf(piece[0]), '(', ')') : '';
  for (const [, spread = ''] of body.matchAll(/\.\.\.(?:\w+\.)?(\w+)\.shape/g)) {
    await addPiece(pkg, spread, files, keys);
  }
}

interface Schema {
  /** Every variable the app's schema reads. */
  keys: Set<string>;
  /** The files that declare them (the pieces, the base, the app's own). */
  files: string[];
}

/** What one app's schema holds: the base, the pieces it composes and its own variables. */
async function appSchema(path: string): Promise<Schema> {
  const source = await read(path);
  const files = [path];
  const keys = new Set(schemaKeys(source));
  const text = code(source);
  const compose = text.indexOf('composeConfig(');
  if (compose !== -1 || text.includes('baseConfigSchema')) {
    files.push(BASE);
    for (const key of schemaKeys(await read(BASE))) keys.add(key);
  }
  if (compose !== -1) {
    const args = balanced(text, compose + 'composeConfig'.length, '(', ')');
    const imported = imports(source);
    for (const [, name = ''] of args.matchAll(/(?<=[(,])\s*([a-zA-Z_]\w*)\s*(?=[,)])/g)) {
      const [pkg, exported] = imported.get(name)?.split(':') ?? [];
      if (!pkg || !exported) throw new Error(`${path}: where does the piece ${name} come from?`);
      await addPiece(pkg, exported, files, keys);
    }
  }
  return { keys, files };
}

/** The variables table: variable -> its last column (the apps). */
function table(doc: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const m of doc.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|.*\| ([^|]+) \|$/gm)) {
    rows.set(m[1] ?? '', (m[2] ?? '').trim());
  }
  return rows;
}

/** Variables read straight from the environment, outside the schemas (`env.OTEL_...`). */
function envReads(source: string, prefix: string): string[] {
  return [...source.matchAll(new RegExp(`env\\.(${prefix}[A-Z0-9_]+)`, 'g'))].map(
    (m) => m[1] ?? '',
  );
}

describe('docs/reference/configuration.md', () => {
  let cached: Promise<(readonly [string, Schema])[]> | undefined;
  const schemas = () =>
    (cached ??= Promise.all(
      Object.entries(appSchemas).map(async ([app, path]) => [app, await appSchema(path)] as const),
    ));

  it.each(Object.entries(appSchemas))(
    'lists every variable of the %s schema, and names the files that declare them',
    async (app, path) => {
      const [doc, schema] = await Promise.all([
        read('docs/reference/configuration.md'),
        appSchema(path),
      ]);
      expect(
        schema.keys.size,
        `no variables found for ${app}: has its layout changed?`,
      ).toBeGreaterThan(3);
      const rows = table(doc);
      expect(
        [...schema.keys].filter((key) => !rows.has(key)),
        'missing rows',
      ).toEqual([]);
      expect(
        schema.files.filter((file) => !doc.includes(`\`${file}\``)),
        'unnamed files',
      ).toEqual([]);
    },
  );

  it('says which apps read each variable, as their schemas compose it', async () => {
    const [doc, all] = await Promise.all([read('docs/reference/configuration.md'), schemas()]);
    const wrong: string[] = [];
    for (const [key, column] of table(doc)) {
      const apps = all.filter(([, schema]) => schema.keys.has(key)).map(([app]) => app);
      if (apps.length === 0) continue; // read outside the schemas (next test)
      const expected = apps.length === all.length ? 'all' : apps.join(', ');
      if (column !== expected) wrong.push(`${key}: "${column}", composed into "${expected}"`);
    }
    expect(wrong).toEqual([]);
  });

  it('lists the OTEL_* and EMF_* variables read outside the schemas, and nothing else', async () => {
    const [doc, otel, lambda, all] = await Promise.all([
      read('docs/reference/configuration.md'),
      read('packages/metrics/src/otel/index.ts'),
      read('apps/lambda/src/app.ts'),
      schemas(),
    ]);
    const names = [...new Set([...envReads(otel, 'OTEL_'), ...envReads(lambda, 'EMF_')])];
    expect(names).toEqual(expect.arrayContaining(['OTEL_EXPORTER_OTLP_ENDPOINT', 'EMF_ENABLED']));
    const rows = table(doc);
    expect(
      names.filter((name) => !rows.has(name)),
      'missing rows',
    ).toEqual([]);
    const known = new Set([...names, ...all.flatMap(([, schema]) => [...schema.keys])]);
    expect(
      [...rows.keys()].filter((key) => !known.has(key)),
      'rows nothing reads',
    ).toEqual([]);
  });
});

describe('docs/README.md', () => {
  it('links every reference page, the architecture and every guide', async () => {
    const readme = await read('docs/README.md');
    for (const page of ['errors', 'configuration', 'metrics', 'protocol-eras']) {
      expect(readme).toContain(`(reference/${page}.md)`);
    }
    expect(readme).toContain('(architecture.md)');
    const guides = readdirSync(new URL('../guides', import.meta.url)).filter((file) =>
      file.endsWith('.md'),
    );
    expect(guides.length).toBeGreaterThan(0);
    for (const guide of guides) expect(readme).toContain(`(guides/${guide})`);
  });
});

describe('docs/reference/errors.md', () => {
  it('lists every code in the catalog with its status', async () => {
    const doc = await read('docs/reference/errors.md');
    for (const info of errorCatalog) {
      expect(doc).toContain(`| \`${info.code}\` | ${info.name} | ${info.httpStatus} |`);
    }
  });
});
