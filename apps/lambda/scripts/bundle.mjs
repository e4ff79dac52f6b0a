#!/usr/bin/env node
/**
 * Bundles the Lambda handlers into one minified ESM file, dist/lambda/index.mjs: upload it as
 * the function code (handler `index.handler` or `index.streamingHandler`, runtime nodejs24.x,
 * the Node it targets). Workspace packages are read from their dist/ builds, so run
 * `pnpm build` first.
 */
import { cp, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const outfile = resolve(root, 'dist/lambda/index.mjs');

/** @param {{ quiet?: boolean }} [options] */
export async function bundle({ quiet = false } = {}) {
  await mkdir(dirname(outfile), { recursive: true });
  const result = await build({
    entryPoints: [resolve(root, 'src/handler.ts')],
    outfile,
    bundle: true,
    minify: true,
    sourcemap: false,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    legalComments: 'none',
    logLevel: quiet ? 'error' : 'warning',
    // CommonJS dependencies (pino, ioredis...) call require() for Node built-ins; an ESM bundle
    // has no require unless we make one.
    banner: {
      js: "import{createRequire as __runwayCreateRequire}from'node:module';const require=__runwayCreateRequire(import.meta.url);",
    },
    metafile: true,
  });
  // The server's MCP App views (HTML read at runtime, not imported) go beside the bundle, where
  // the server looks for them once its package folder is gone: `view/` next to index.mjs.
  const server = createRequire(import.meta.url).resolve('@mcp-runway/example-server');
  const views = resolve(dirname(server), 'view');
  const viewsCopied = await stat(views).then(
    () => cp(views, resolve(dirname(outfile), 'view'), { recursive: true }).then(() => true),
    () => false,
  );
  const { size } = await stat(outfile);
  if (!quiet) {
    const kib = (size / 1024).toFixed(1);
    process.stdout.write(`dist/lambda/index.mjs: ${kib} KiB (${size} bytes)\n`);
  }
  return { outfile, size, metafile: result.metafile, viewsCopied };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bundle();
}
