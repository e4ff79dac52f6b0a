import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runToExit, spawnServer } from './process.js';

const dir = mkdtempSync(join(tmpdir(), 'readiness-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

describe('spawnServer', () => {
  it('resolves with the port from the listening line and exposes the JSON logs', async () => {
    const entry = script(
      'listen.mjs',
      `import { createServer } from 'node:http';
const server = createServer((_, res) => res.end(process.env.GREETING));
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.error(JSON.stringify({ msg: 'listening', address: server.address() }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));`,
    );
    const server = await spawnServer(entry, { env: { GREETING: 'hi' } });
    expect(await (await fetch(server.url)).text()).toBe('hi');
    expect(server.logs()[0]?.msg).toBe('listening');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('rejects with the server output when it exits before listening', async () => {
    const entry = script('crash.mjs', `console.error('bad config'); process.exit(3);`);
    await expect(spawnServer(entry)).rejects.toThrow(/exited early:\nbad config/);
  });
});

describe('runToExit', () => {
  it('returns the exit code and stderr of a process that stops on its own', async () => {
    const entry = script(
      'refuse.mjs',
      `console.error('refused: ' + process.env.WHY); process.exit(78);`,
    );
    expect(await runToExit(entry, { WHY: 'public bind' })).toEqual({
      code: 78,
      stderr: 'refused: public bind\n',
    });
  });
});
