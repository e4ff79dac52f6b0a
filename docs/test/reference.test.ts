import { readFile } from 'node:fs/promises';
import { errorCatalog } from '@mcp-runway/errors';
import { describe, expect, it } from 'vitest';

/**
 * Keeps docs/reference in step with the code: the configuration table with the config schemas
 * every app composes (imported, so a piece added to an app or a variable added to a piece is
 * seen wherever it is declared), the error table with the catalog.
 */
const read = (path: string) => readFile(new URL(`../../${path}`, import.meta.url), 'utf8');

/** Variables read straight from the environment, outside the schemas (`env.OTEL_...`). */
function envReads(source: string, prefix: string): string[] {
  return [...source.matchAll(new RegExp(`env\\.(${prefix}[A-Z0-9_]+)`, 'g'))].map(
    (m) => m[1] ?? '',
  );
}

/** Each app's `src/config.ts`, which exports its composed `configSchema`. */
const schemaSources: Record<string, string> = {
  stdio: 'apps/stdio/src/config.ts',
  'hono-http': 'apps/hono-http/src/config.ts',
  'express-sessions': 'apps/express-sessions/src/config.ts',
  conformance: 'apps/conformance/src/config.ts',
};

/** The variables of an app's schema: the base ones, then each piece's. */
async function schemaKeys(path: string): Promise<string[]> {
  const module = (await import(new URL(`../../${path}`, import.meta.url).href)) as {
    configSchema?: { shape?: Record<string, unknown> };
  };
  return Object.keys(module.configSchema?.shape ?? {});
}

describe('docs/reference/configuration.md', () => {
  it.each(Object.entries(schemaSources))(
    'lists every key of the %s config schema',
    async (_, path) => {
      const [doc, keys] = await Promise.all([
        read('docs/reference/configuration.md'),
        schemaKeys(path),
      ]);
      expect(keys, `no configSchema exported by ${path}: has its layout changed?`).toEqual(
        expect.arrayContaining(['NODE_ENV', 'LOG_LEVEL']),
      );
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
