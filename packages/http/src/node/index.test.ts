import { createServer, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '@mcp-runway/logging';
import { describe, expect, it } from 'vitest';
import { createDrain } from '../drain.js';
import { installGracefulShutdown, onShutdownSignals } from './index.js';

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

describe('onShutdownSignals', () => {
  /** Sends a real signal to this process and waits until a handler saw it. */
  async function deliver(signal: NodeJS.Signals, seen: string[]): Promise<void> {
    const before = seen.length;
    process.kill(process.pid, signal);
    while (seen.length === before) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  it('takes a signal within the repeat window of the first as the same request, and one after it as a second', async () => {
    let clock = 10_000;
    const seen: string[] = [];
    onShutdownSignals(
      {
        first: (signal) => seen.push(`first ${signal}`),
        again: (signal) => seen.push(`again ${signal}`),
        repeated: (signal) => seen.push(`repeated ${signal}`),
      },
      { signals: ['SIGUSR2'], repeatWindowMs: 1_000, now: () => clock },
    );
    await deliver('SIGUSR2', seen);
    clock += 999; // Ctrl-C from the terminal, then the runner's forwarded copy
    await deliver('SIGUSR2', seen);
    clock += 1; // a second Ctrl-C, a whole window after the first
    await deliver('SIGUSR2', seen);
    expect(seen).toEqual(['first SIGUSR2', 'repeated SIGUSR2', 'again SIGUSR2']);
  });

  it('lets a drain that got the signal twice in a row finish and exit 0', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const drain = createDrain();
    drain.started(); // a call in flight, so the drain is still waiting when the copy arrives
    const lines: string[] = [];
    const watched = createLogger({
      name: 'shutdown-test',
      level: 'debug',
      destination: new Writable({
        write: (chunk, _encoding, callback) => {
          lines.push(JSON.parse(String(chunk)).msg as string);
          callback();
        },
      }),
    });
    let clock = 0;
    const exited = new Promise<number>((resolve) => {
      installGracefulShutdown({
        server,
        drain,
        logger: watched,
        timeoutMs: 30_000,
        signals: ['SIGUSR2'],
        now: () => clock,
        exit: resolve,
      });
    });
    await deliver('SIGUSR2', lines);
    clock += 200;
    await deliver('SIGUSR2', lines);
    drain.finished();
    expect(await exited).toBe(0);
    expect(lines).toEqual(['draining', 'repeated shutdown signal: already draining', 'stopped']);
  });
});
