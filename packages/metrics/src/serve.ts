/**
 * `/metrics` on its own node:http listener, never on the public one: the MCP port faces
 * clients (often the internet, through a load balancer), the metrics port faces Prometheus.
 *
 * Default bind 127.0.0.1:9464, for a Prometheus (or an agent) on the same host. In a container
 * bind 0.0.0.0 (`METRICS_HOST=0.0.0.0`) so the scraper can reach the pod, and keep the port
 * off the Service and Ingress the clients use; set a token (`METRICS_TOKEN`) where anything
 * else could reach it.
 *
 * The Host header is checked as on the MCP listener, with the same core (@mcp-runway/http):
 * a web page can make a browser send requests to 127.0.0.1 under a name it controls (DNS
 * rebinding) and read the answers; such a request carries that name as its Host, and gets 403.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allowlistsFor, checkHostOrigin, type HostOriginPolicy } from '@mcp-runway/http';
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
  /**
   * `METRICS_ALLOWED_HOSTS`: Host names (or host:port) the listener answers to; any other Host
   * gets 403. @default the loopback names on a loopback bind; elsewhere, no Host check (the
   * config then requires `METRICS_TOKEN`)
   */
  allowedHosts?: readonly string[] | undefined;
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
  // The MCP listener's rule: the names configured, else the loopback names on a loopback bind.
  const { allowedHosts } = allowlistsFor({
    HOST: host,
    ALLOWED_HOSTS: options.allowedHosts ?? [],
    ALLOWED_ORIGINS: [],
  });
  const hostPolicy: HostOriginPolicy = { allowedHosts, allowedOrigins: [], exemptPaths: [] };
  if (!check && !isLoopback(host)) {
    options.logger?.warn(
      { host },
      'metrics: listening beyond loopback without METRICS_TOKEN; keep the port private',
    );
  }

  const server = createServer((req, res) => {
    const url = req.url?.split('?')[0] ?? '';
    const refused = checkHostOrigin(
      { path: url, host: req.headers.host, origin: undefined },
      hostPolicy,
    );
    if (refused) {
      res
        .writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end(`${refused.message}\n`);
      return;
    }
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
