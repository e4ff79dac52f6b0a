#!/usr/bin/env node
/**
 * Cold start of the Lambda bundle, approximated locally: in fresh Node processes (a new
 * execution environment each), the time to `import()` dist/lambda/index.mjs, then the first
 * invocation of `handler` with a tools/call event (which builds the config, logger, limiter,
 * server pool and app: the lazy init). Prints the medians, the bundle size and PASS/MISS
 * against the import target. Bundles first (scripts/bundle.mjs), so run the workspace build
 * before (turbo's `bench` depends on `build`).
 *
 * Not the Lambda Init Duration: no runtime bootstrap, no code download, and this machine's
 * CPU, not a 512 MB slice of one. Read the relative numbers; measure the real one in
 * CloudWatch (`REPORT ... Init Duration`).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundle } from '../scripts/bundle.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const IMPORT_TARGET_MS = 150;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const started = performance.now();
const { outfile, size } = await bundle({ quiet: true });

const host = 'abc123.execute-api.us-east-1.amazonaws.com';
const event = JSON.parse(readFileSync(resolve(root, 'src/fixtures/api-gateway-v2.json'), 'utf8'));
const body = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  // tools/list: a full round trip through the server whatever its tools are.
  method: 'tools/list',
  params: {
    _meta: {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientCapabilities': {},
    },
  },
});
event.body = body;
event.headers = {
  ...event.headers,
  host,
  'content-length': String(Buffer.byteLength(body)),
  'mcp-protocol-version': '2026-07-28',
  'mcp-method': 'tools/list',
};

const child = `
  const t0 = performance.now();
  const { handler } = await import(${JSON.stringify(outfile)});
  const t1 = performance.now();
  const result = await handler(${JSON.stringify(event)}, { awsRequestId: 'bench', getRemainingTimeInMillis: () => 30000 });
  const t2 = performance.now();
  const again = await handler(${JSON.stringify(event)}, { awsRequestId: 'bench-2', getRemainingTimeInMillis: () => 30000 });
  const t3 = performance.now();
  process.stdout.write('\\n' + JSON.stringify({ bench: true, status: result.statusCode, status2: again.statusCode,
    importMs: t1 - t0, firstMs: t2 - t1, warmMs: t3 - t2 }) + '\\n');
`;

const env = {
  PATH: process.env.PATH ?? '',
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
  ALLOWED_HOSTS: host,
  ALLOW_UNAUTHENTICATED: 'true',
  EMF_ENABLED: 'true',
};

const samples = [];
for (let run = 0; run < RUNS; run++) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', child],
    { env, cwd: '/', timeout: 20_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const line = stdout
    .split('\n')
    .reverse()
    .find((text) => text.startsWith('{"bench"'));
  if (!line) throw new Error(`run ${run}: no result line in ${stdout.slice(-500)}`);
  const sample = JSON.parse(line);
  if (sample.status !== 200 || sample.status2 !== 200) {
    throw new Error(`run ${run}: status ${sample.status}/${sample.status2}`);
  }
  samples.push(sample);
}

const median = (key) => {
  const sorted = samples.map((sample) => sample[key]).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ms = (value) => `${value.toFixed(1)} ms`;
const importMs = median('importMs');
const verdict = importMs <= IMPORT_TARGET_MS ? 'PASS' : 'MISS';

console.log(`bundle: dist/lambda/index.mjs ${(size / 1024).toFixed(1)} KiB (${size} bytes)`);
console.log(`runs: ${RUNS} fresh processes (node ${process.version}), medians:`);
console.log(`  import() of the bundle          ${ms(importMs)}`);
console.log(`  first invocation (init + call)  ${ms(median('firstMs'))}`);
console.log(`  import + first invocation       ${ms(median('importMs') + median('firstMs'))}`);
console.log(`  second (warm) invocation        ${ms(median('warmMs'))}`);
console.log(`${verdict}: import ${ms(importMs)} (target <= ${IMPORT_TARGET_MS} ms)`);
console.log(`bench took ${((performance.now() - started) / 1000).toFixed(1)} s`);
