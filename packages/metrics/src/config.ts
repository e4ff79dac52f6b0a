import { configPiece, port, secret } from '@mcp-runway/config';
import { z } from 'zod';

/** Where Prometheus scrapes. Never on the MCP port. */
export const metricsConfig = configPiece({
  /** Prometheus metrics on their own listener, never on the MCP port. 0 picks a free port. */
  METRICS_PORT: port(9464),
  /** Loopback by default; 0.0.0.0 in a container so Prometheus can reach the pod. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** When set, scrapes must send `Authorization: Bearer <token>`. */
  METRICS_TOKEN: secret(z.string().min(16).optional()),
});

export type MetricsConfig = z.output<z.ZodObject<typeof metricsConfig.shape>>;
