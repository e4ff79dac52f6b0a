/** A redis-server of the test's own: a free port, nothing saved, stopped with the test. */
import { connect } from 'node:net';
import { type Child, findBinary, freePort, start, waitFor } from './processes.js';

export interface RedisServer {
  url: string;
  child: Child;
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(String(data).startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** `port`: the port of one that was stopped, to start it again (empty). @default a free one */
export async function startRedis(port?: number): Promise<RedisServer> {
  const binary = findBinary('redis-server', 'Install it: apt-get install -y redis-server.');
  port ??= await freePort();
  const child = start(binary, [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  await waitFor(`redis-server on port ${port}\n${child.output()}`, async () => {
    if (child.gone()) throw new Error(`redis-server exited:\n${child.output()}`);
    return answersPing(port);
  });
  return { url: `redis://127.0.0.1:${port}`, child };
}
