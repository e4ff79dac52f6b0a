import { readFile } from 'node:fs/promises';
import { errorCatalog } from '@mcp-runway/errors';
import { describe, expect, it } from 'vitest';

/**
 * Keeps docs/reference in step with the code: the configuration table with the config schemas,
 * the error table with the catalog. The apps that compose config pieces (each package declares
 * its own) are read as built schemas, every key of every piece included; the base fields and the
 * conformance server, written as one schema, are read as text.
 */
const read = (path: string) => readFile(new URL(`../../${path}`, import.meta.url), 'utf8');

/** Upper-case keys inside every `extend({ ... })`, `safeExtend({ ... })` or `z.object({ ... })`. */
function schemaKeys(source: string): string[] {
  const keys: string[] = [];
  for (const block of source.matchAll(/(?:[eE]xtend|z\.object)\(\{\n([\s\S]*?)\n\s*\}\)/g)) {
    for (const key of (block[1] ?? '').matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)) {
      if (key[1]) keys.push(key[1]);
    }
  }
  return keys;
}

/** Variables read straight from the environment, outside the schemas (`env.OTEL_...`). */
function envReads(source: string, prefix: string): string[] {
  return [...source.matchAll(new RegExp(`env\\.(${prefix}[A-Z0-9_]+)`, 'g'))].map(
    (m) => m[1] ?? '',
  );
}

const schemaSources: Record<string, string> = {
  base: 'packages/config/src/fields.ts',
  conformance: 'apps/conformance/src/config.ts',
};

/** The keys of an app's composed schema (`configSchema` in its built `dist/config.js`). */
async function composedKeys(app: string): Promise<string[]> {
  const { configSchema } = (await import(`@mcp-runway/${app}/dist/config.js`)) as {
    configSchema: { shape: Record<string, unknown> };
  };
  return Object.keys(configSchema.shape);
}

describe('docs/reference/configuration.md', () => {
  it.each(['stdio', 'hono-http', 'express-sessions'])(
    'lists every key of the %s config schema, every piece it composes included',
    async (app) => {
      const [doc, keys] = await Promise.all([
        read('docs/reference/configuration.md'),
        composedKeys(app),
      ]);
      expect(keys).toContain('LOG_LEVEL');
      const missing = keys.filter((key) => !doc.includes(`| \`${key}\` |`));
      expect(missing, `missing from docs/reference/configuration.md`).toEqual([]);
    },
  );

  it.each(Object.entries(schemaSources))(
    'lists every key of the %s config schema',
    async (_, path) => {
      const [doc, source] = await Promise.all([
        read('docs/reference/configuration.md'),
        read(path),
      ]);
      const keys = schemaKeys(source);
      expect(
        keys.length,
        `no schema keys found in ${path}: has its layout changed?`,
      ).toBeGreaterThan(0);
      const missing = keys.filter((key) => !doc.includes(`| \`${key}\` |`));
      expect(missing, `missing from docs/reference/configuration.md`).toEqual([]);
    },
  );

  it('lists the OTEL_* and EMF_* variables read outside the schemas', async () => {
    const [doc, otel, lambda] = await Promise.all([
      read('docs/reference/configuration.md'),
      read('packages/metrics/src/otel/index.ts'),
      read('apps/lambda/src/app.ts'),
    ]);
    const names = [...new Set([...envReads(otel, 'OTEL_'), ...envReads(lambda, 'EMF_')])];
    expect(names).toEqual(expect.arrayContaining(['OTEL_EXPORTER_OTLP_ENDPOINT', 'EMF_ENABLED']));
    const missing = names.filter((name) => !doc.includes(`| \`${name}\` |`));
    expect(missing, `missing from docs/reference/configuration.md`).toEqual([]);
  });
});

describe('docs/README.md', () => {
  it('links every reference page', async () => {
    const readme = await read('docs/README.md');
    for (const page of ['errors', 'configuration', 'metrics', 'protocol-eras']) {
      expect(readme).toContain(`(reference/${page}.md)`);
    }
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
