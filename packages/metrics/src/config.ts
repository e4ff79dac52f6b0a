import { configPiece, isLoopbackAddress, list, port, secret } from '@mcp-runway/config';
import { z } from 'zod';

/**
 * Where Prometheus scrapes. Never on the MCP port. Off loopback the listener needs a
 * token or the names it is scraped by: otherwise anything that reaches the port could read it,
 * a web page too, through DNS rebinding.
 */
export const metricsConfig = configPiece(
  {
    /** Prometheus metrics on their own listener, never on the MCP port. 0 picks a free port. */
    METRICS_PORT: port(9464),
    /** Loopback by default; 0.0.0.0 in a container so Prometheus can reach the pod. */
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /**
     * Host names (or host:port) the metrics listener answers to; any other Host gets 403
     * (DNS-rebinding protection). Unset: the loopback names on a loopback bind.
     */
    METRICS_ALLOWED_HOSTS: list(),
    /** When set, scrapes must send `Authorization: Bearer <token>`. */
    METRICS_TOKEN: secret(z.string().min(16).optional()),
  },
  (config, problem) => {
    if (isLoopbackAddress(config.METRICS_HOST)) return;
    if (config.METRICS_TOKEN !== undefined || config.METRICS_ALLOWED_HOSTS.length > 0) return;
    problem(
      'METRICS_TOKEN',
      `required when METRICS_HOST=${config.METRICS_HOST} is not a loopback address, unless ` +
        'METRICS_ALLOWED_HOSTS lists the names Prometheus scrapes by: otherwise anything that ' +
        'reaches the port, a web page through DNS rebinding included, can read /metrics',
    );
  },
);

export type MetricsConfig = z.output<z.ZodObject<typeof metricsConfig.shape>>;
