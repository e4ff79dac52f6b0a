import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import { createLogger } from '@mcp-runway/logging';
import { describe, expect, it } from 'vitest';
import { createDrain } from '../drain.js';
import { installGracefulShutdown } from './index.js';

const logger = createLogger({
  name: 'shutdown-test',
  destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
});

describe('installGracefulShutdown', () => {
  it('runs onDrain as draining begins, so a long-lived stream it ends does not hold the drain open', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const drain = createDrain();
    drain.started(); // a GET stream that only ends when told to
    const steps: string[] = [];
    const exited = new Promise<number>((resolve) => {
      const shutdown = installGracefulShutdown({
        server,
        drain,
        logger,
        timeoutMs: 5_000,
        signals: [],
        exit: resolve,
        onDrain: async () => {
          steps.push(`onDrain (draining: ${drain.draining})`);
          await new Promise((settle) => setTimeout(settle, 20));
          drain.finished();
        },
        onClosed: () => {
          steps.push('onClosed');
        },
      });
      void shutdown('test');
    });
    expect(await exited).toBe(0);
    expect(steps).toEqual(['onDrain (draining: true)', 'onClosed']);
  });
});
