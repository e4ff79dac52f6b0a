/**
 * `/metrics` on its own node:http listener, never on the public one: the MCP port faces
 * clients (often the internet, through a load balancer), the metrics port faces Prometheus.
 *
 * Default bind 127.0.0.1:9464, for a Prometheus (or an agent) on the same host. In a container
 * bind 0.0.0.0 (`METRICS_HOST=0.0.0.0`) so the scraper can reach the pod, and keep the port
 * off the Service and Ingress the clients use; set a token (`METRICS_TOKEN`) where anything
 * else could reach it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { bearerTokenCheck, metricsAnswer } from './endpoint.js';

export const DEFAULT_METRICS_PORT = 9464;
export const DEFAULT_METRICS_HOST = '127.0.0.1';

export interface ServeMetricsOptions {
  registry: Registry;
  /** `METRICS_PORT`; 0 picks a free port. @default 9464 */
  port?: number;
  /** `METRICS_HOST`. @default '127.0.0.1' */
  host?: string;
  /** `METRICS_TOKEN`: when set, scrapes must send `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** @default '/metrics' */
  path?: string;
  /** Warned when the listener is reachable from other hosts without a token. */
  logger?: { warn(obj: object, msg?: string): void } | undefined;
}

export interface MetricsServer {
  readonly server: Server;
  /** Where it listens, e.g. `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export async function serveMetrics(options: ServeMetricsOptions): Promise<MetricsServer> {
  const { registry } = options;
  const host = options.host ?? DEFAULT_METRICS_HOST;
  const path = options.path ?? '/metrics';
  const check = options.token === undefined ? undefined : bearerTokenCheck(options.token);
  if (!check && !isLoopback(host)) {
    options.logger?.warn(
      { host },
      'metrics: listening beyond loopback without METRICS_TOKEN; keep the port private',
    );
  }

  const server = createServer((req, res) => {
    const url = req.url?.split('?')[0];
    if (url !== path) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    metricsAnswer(registry, check ? check(req.headers.authorization) : true).then(
      (answer) => {
        res
          .writeHead(answer.status, answer.headers)
          .end(req.method === 'HEAD' ? undefined : answer.body);
      },
      () => {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Error\n');
      },
    );
  });
  // A scrape is one short request; no reason to keep idle sockets for long.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_METRICS_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shown}:${address.port}${path}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
