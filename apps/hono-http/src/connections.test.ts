/**
 * Slow, refused and too many clients, over raw sockets (node:net) against the real
 * composition: the body deadline (BODY_READ_TIMEOUT_MS, 408), refusals before the body that
 * close the connection gracefully (401, 413), and the connection cap (MAX_CONNECTIONS).
 * Clients here keep sending after the server has answered and ended its side, as an upload
 * in progress does.
 */
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { modern } from '@mcp-runway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

const key = mintApiKey();

interface Exchange {
  socket: Socket;
  /** Everything the server sent. */
  text(): string;
  /** The first socket error (ECONNRESET, EPIPE), if any. */
  error(): NodeJS.ErrnoException | undefined;
  closed: Promise<void>;
}

/** Opens a connection and sends a POST's head (`extra` are more header lines). */
function post(app: RunningApp, extra: string): Exchange {
  const socket = connect({
    port: Number(new URL(app.url).port),
    host: '127.0.0.1',
    allowHalfOpen: true,
  });
  let text = '';
  let error: NodeJS.ErrnoException | undefined;
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  socket.on('error', (cause) => {
    error ??= cause;
  });
  socket.write(
    'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n' +
      `accept: application/json, text/event-stream\r\n${extra}\r\n`,
  );
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, text: () => text, error: () => error, closed };
}

/** Sends a chunked body one byte every 100 ms until the connection closes. */
async function dribble(exchange: Exchange): Promise<void> {
  const timer = setInterval(() => {
    if (!exchange.socket.destroyed) exchange.socket.write('1\r\n{\r\n');
  }, 100);
  try {
    await exchange.closed;
  } finally {
    clearInterval(timer);
  }
}

/** Sends `size` bytes of body, as fast as the connection takes them, then ends. */
async function upload(exchange: Exchange, size: number): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, ' ');
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
}

function statusOf(exchange: Exchange): number {
  return Number(/^HTTP\/1\.1 (\d{3}) /.exec(exchange.text())?.[1]);
}
function errorCodeOf(exchange: Exchange): number | undefined {
  const body = exchange.text().split('\r\n\r\n')[1] ?? '';
  return Number(/"code":(-?\d+)/.exec(body)?.[1]);
}

describe('slow and refused requests', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({
      AUTH_MODE: 'apikey',
      API_KEYS: `alice::${hashApiKey(key)}`,
      BODY_LIMIT: '64kb',
      BODY_READ_TIMEOUT_MS: '1000',
    });
  });
  afterAll(() => app.close());

  it('cuts a body dribbled a byte at a time with 408 and a JSON-RPC error, then closes the connection', async () => {
    const exchange = post(app, `authorization: Bearer ${key}\r\ntransfer-encoding: chunked\r\n`);
    await dribble(exchange);
    expect(statusOf(exchange)).toBe(408);
    expect(exchange.text().toLowerCase()).toContain('connection: close');
    expect(errorCodeOf(exchange)).toBe(-31408);
  });

  it('answers 401 before the body with Connection: close, and closes even while the client keeps sending', async () => {
    const exchange = post(app, 'transfer-encoding: chunked\r\n');
    await dribble(exchange);
    expect(statusOf(exchange)).toBe(401);
    expect(exchange.text().toLowerCase()).toContain('connection: close');
    expect(errorCodeOf(exchange)).toBe(-31401);
  });

  it.each([
    ['401 to a client without credentials', '', 401, -31401],
    ['413 to a body over BODY_LIMIT', `authorization: Bearer ${key}\r\n`, 413, -31413],
  ])(
    'delivers the %s while it is still sending a large body, without a reset',
    async (_, auth, status, code) => {
      const size = 8 * 1024 * 1024;
      const exchange = post(app, `${auth}content-length: ${size}\r\n`);
      await upload(exchange, size);
      expect(exchange.error()).toBeUndefined();
      expect(statusOf(exchange)).toBe(status);
      expect(exchange.text().toLowerCase()).toContain('connection: close');
      expect(errorCodeOf(exchange)).toBe(code);
    },
  );

  it('still serves a whole request on time', async () => {
    const list = modern('tools/list');
    const response = await fetch(app.mcpUrl, {
      method: 'POST',
      headers: { ...list.headers, authorization: `Bearer ${key}` },
      body: list.body,
    });
    expect(response.status).toBe(200);
  });
});

describe('the connection cap', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ MAX_CONNECTIONS: '5' });
  });
  afterAll(() => app.close());

  /** A GET /health on a connection of its own; the status, or 0 when the server dropped it. */
  function health(): Promise<number> {
    return new Promise((resolve) => {
      const probe = request(`${app.url}/health`, { agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      probe.on('error', () => resolve(0));
      probe.end();
    });
  }

  it('closes connections beyond MAX_CONNECTIONS as they arrive, and serves again once some close', async () => {
    const port = Number(new URL(app.url).port);
    const idle = await Promise.all(
      Array.from(
        { length: 5 },
        () =>
          new Promise<Socket>((resolve) => {
            const socket = connect(port, '127.0.0.1', () => resolve(socket));
          }),
      ),
    );
    // One more: closed by the server before a byte is exchanged.
    expect(await health()).toBe(0);

    for (const socket of idle) socket.destroy();
    // The server counts a connection out once it has seen it close: a moment after the client.
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      status = await health();
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(200);
  });
});
