/**
 * applyServerLimits over real sockets: a server that refuses every request before reading its
 * body, as the pipeline's 401 and 413 do, and raw clients (node:net) that keep sending.
 */
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { applyServerLimits, type ServerLimits } from './limits.js';

const LIMITS: ServerLimits = {
  HEADERS_TIMEOUT_MS: 20_000,
  REQUEST_TIMEOUT_MS: 60_000,
  KEEP_ALIVE_TIMEOUT_MS: 65_000,
  MAX_CONNECTIONS: 50,
};

let server: Server | undefined;
afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

/** Answers 401 with `Connection: close` without reading a byte of the body. */
async function refusingServer(lingerMs: number): Promise<number> {
  server = createServer((_request, response) => {
    response.writeHead(401, { 'content-type': 'application/json', connection: 'close' });
    response.end('{"jsonrpc":"2.0","id":null,"error":{"code":-31401,"message":"Unauthorized"}}');
  });
  applyServerLimits(server, LIMITS, { lingerMs });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

interface Exchange {
  socket: Socket;
  /** Everything the server sent. */
  text(): string;
  /** The first socket error (ECONNRESET, EPIPE), if any. */
  error(): NodeJS.ErrnoException | undefined;
  closed: Promise<void>;
}

/** A client that keeps sending after the server has answered and ended its side. */
function open(port: number, head: string): Exchange {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  let text = '';
  let error: NodeJS.ErrnoException | undefined;
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  socket.on('error', (cause) => {
    error ??= cause;
  });
  socket.write(
    `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n${head}\r\n`,
  );
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, text: () => text, error: () => error, closed };
}

describe('applyServerLimits', () => {
  it("sets Node's header, request and keep-alive timeouts and the connection cap", () => {
    const target = createServer();
    applyServerLimits(target, LIMITS);
    expect(target.headersTimeout).toBe(20_000);
    expect(target.requestTimeout).toBe(60_000);
    expect(target.keepAliveTimeout).toBe(65_000);
    expect(target.maxConnections).toBe(50);
  });

  it('lets a client that sends a large body before reading receive the refusal, not a reset', {
    timeout: 30_000,
  }, async () => {
    const port = await refusingServer(5_000);
    const size = 8 * 1024 * 1024;
    const exchange = open(port, `content-length: ${size}\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let sent = 0; sent < size && !exchange.socket.destroyed; sent += chunk.length) {
      if (!exchange.socket.write(chunk)) {
        await new Promise((resolve) => {
          exchange.socket.once('drain', resolve);
          exchange.socket.once('close', resolve);
        });
      }
    }
    exchange.socket.end();
    await exchange.closed;
    expect(exchange.error()).toBeUndefined();
    expect(exchange.text()).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    expect(exchange.text().toLowerCase()).toContain('connection: close');
    expect(exchange.text()).toContain('"code":-31401');
  });

  it('closes a refused connection after lingering, however long its client keeps sending', {
    timeout: 30_000,
  }, async () => {
    const port = await refusingServer(300);
    const exchange = open(port, 'transfer-encoding: chunked\r\n');
    const dribble = setInterval(() => {
      if (!exchange.socket.destroyed) exchange.socket.write('1\r\nx\r\n');
    }, 50);
    try {
      await exchange.closed;
    } finally {
      clearInterval(dribble);
    }
    expect(exchange.text()).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    expect(exchange.text()).toContain('"code":-31401');
  });
});
