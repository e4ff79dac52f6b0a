import { createServer, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
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

  it('at the deadline lets the calls in flight answer (drain.deadline), then closes their connections and exits 1', async () => {
    const drain = createDrain();
    // A call that answers only when told the deadline has passed, as answerByDeadline does.
    const server = createServer((_request, response) => {
      drain.started();
      response.once('close', () => drain.finished());
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('working\n');
      drain.deadline.addEventListener('abort', () => response.end('stopped at the deadline\n'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/' }, resolve).on('error', reject);
    });
    let text = '';
    response.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    });
    const ended = new Promise<string>((settle) => {
      response.on('end', () => settle('end'));
      response.on('error', (error) => settle(`error: ${error.message}`));
    });
    const exited = new Promise<number>((resolve) => {
      const shutdown = installGracefulShutdown({
        server,
        drain,
        logger,
        timeoutMs: 200,
        signals: [],
        exit: resolve,
      });
      void shutdown('test');
    });
    expect(await ended).toBe('end');
    expect(text).toBe('working\nstopped at the deadline\n');
    expect(await exited).toBe(1);
  });
});
