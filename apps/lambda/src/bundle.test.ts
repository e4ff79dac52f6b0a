import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { API_GATEWAY_HOST, lambdaContext, lambdaEvent, testEnv } from './test/events.js';

// Built by the vitest global setup (src/test/bundle.ts) from scripts/bundle.mjs.
const bundle = fileURLToPath(new URL('../dist/lambda/index.mjs', import.meta.url));

/** Runs a script in a fresh Node process, as the Lambda runtime would load the bundle. */
async function runNode(script: string, env: Record<string, string>) {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script],
    // Only what the function would have: no workspace, no vitest, nothing inherited.
    { env: { PATH: process.env.PATH ?? '', ...env }, cwd: '/' },
  );
  return { stdout, stderr };
}

describe('the bundle, dist/lambda/index.mjs', () => {
  it('is one self-contained file', async () => {
    const { size } = await stat(bundle);
    expect(size).toBeGreaterThan(10_000);
    expect(size).toBeLessThan(5 * 1024 * 1024);
  });

  it('carries beside it (view/) every MCP App view the server reads at runtime, as built', async () => {
    // A server with MCP App views has them in its package's dist/view/;
    // one without (`--no-ui`, a server of your own) has none, and the bundle carries none.
    const entry = createRequire(import.meta.url).resolve('@mcp-runway/example-server');
    const server = join(dirname(entry), 'view');
    const beside = fileURLToPath(new URL('../dist/lambda/view/', import.meta.url));
    const none = (error: NodeJS.ErrnoException): string[] => {
      if (error.code === 'ENOENT') return [];
      throw error;
    };
    const built = await readdir(server).catch(none);
    expect(await readdir(beside).catch(none)).toEqual(built);
  });

  it('serves an event through `handler` and `streamingHandler` in a child process', async () => {
    // The bundle inlines the server it ships with, so this asks for its tool list and names no
    // tool: replacing the tools changes nothing here.
    const event = lambdaEvent('api-gateway-v2', {
      host: API_GATEWAY_HOST,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/list',
        params: {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      }),
      headers: { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' },
    });
    const { getRemainingTimeInMillis: _, ...context } = lambdaContext();
    // The runtime defines `awslambda` before it loads the handler; a minimal copy of the shim
    // in src/test/awslambda.ts, so the streaming entry point is exercised from the bundle too.
    const script = `
      import { Writable } from 'node:stream';
      globalThis.awslambda = {
        streamifyResponse: (handler) => handler,
        HttpResponseStream: {
          from(stream, prelude) {
            stream.setContentType('application/vnd.awslambda.http-integration-response');
            stream.onFirst = (write) => { write(JSON.stringify(prelude)); write(new Uint8Array(8)); };
            return stream;
          },
        },
      };
      class ResponseStream extends Writable {
        chunks = [];
        setContentType(type) { this.type = type; }
        _write(data, _encoding, done) {
          if (this.onFirst) { this.onFirst((x) => this.chunks.push(Buffer.from(x))); this.onFirst = undefined; }
          this.chunks.push(Buffer.from(data));
          done();
        }
      }
      const { handler, streamingHandler } = await import(${JSON.stringify(bundle)});
      const event = ${JSON.stringify(event)};
      const result = await handler(event, ${JSON.stringify(context)});
      const stream = new ResponseStream();
      await streamingHandler(event, stream, ${JSON.stringify(context)});
      const all = Buffer.concat(stream.chunks);
      const end = all.indexOf(Buffer.alloc(8));
      const streamed = { prelude: JSON.parse(all.subarray(0, end)), body: String(all.subarray(end + 8)) };
      process.stdout.write(JSON.stringify({ result, streamed }));
    `;
    const { stdout, stderr } = await runNode(script, { ...testEnv, LOG_LEVEL: 'info' });
    const { result, streamed } = JSON.parse(stdout) as {
      result: { statusCode: number; body: string; isBase64Encoded: boolean };
      streamed: { prelude: { statusCode: number }; body: string };
    };
    expect(result.statusCode).toBe(200);
    expect(result.isBase64Encoded).toBe(false);
    // A non-empty tool list, whichever tools the server has.
    expect(result.body).toMatch(/"tools":\[\{"name":"/);
    expect(streamed.prelude.statusCode).toBe(200);
    expect(streamed.body).toMatch(/"tools":\[\{"name":"/);
    // Logs are JSON lines on stderr (CloudWatch Logs keeps them as they are).
    const lines = stderr.trim().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
