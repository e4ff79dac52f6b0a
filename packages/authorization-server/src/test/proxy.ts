/**
 * A load balancer for tests: one public origin in front of several replicas, forwarding each
 * request (Host header unchanged) to the replica `route` picks, and recording who served what.
 */
import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Balancer {
  url: string;
  /** `[replica index, method, path]` per forwarded request. */
  served: [number, string, string][];
  /** Where the replicas listen; set once they do. */
  targets: string[];
  close(): Promise<void>;
}

export async function startBalancer(
  route: (path: string, turn: number) => number,
): Promise<Balancer> {
  const served: [number, string, string][] = [];
  const targets: string[] = [];
  let turn = 0;
  const server = createServer((incoming, outgoing) => {
    const path = (incoming.url ?? '/').split('?')[0] ?? '/';
    const index = route(path, turn++) % Math.max(1, targets.length);
    const target = new URL(targets[index] ?? 'http://127.0.0.1:9');
    served.push([index, incoming.method ?? 'GET', path]);
    const upstream = forward(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    targets,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
