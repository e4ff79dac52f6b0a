/**
 * The stateless lane on AWS Lambda.
 *
 * The same pipeline as the Hono app (@mcp-runway/pipeline/hono), the same MCP server and the same
 * configuration pieces. Everything is built once per execution environment (container) and
 * reused by every invocation it serves; nothing about a client outlives a request, so any
 * number of concurrent environments behave like one.
 */
import { authConfig } from '@mcp-runway/auth';
import { composeConfig, type Env, loadConfig, type logFormatFor } from '@mcp-runway/config';
import {
  type ServerModule,
  serverModule,
  settings as serverSettings,
} from '@mcp-runway/example-server';
import { createDrain, httpConfig, pooledServerFactory } from '@mcp-runway/http';
import {
  type AuditDestination,
  type AuditLog,
  type CreateLoggerOptions,
  createAuditLog,
  createLogger,
  type Logger,
} from '@mcp-runway/logging';
import { auditConfig, instrumentServer } from '@mcp-runway/metrics';
import { createSecurity, type Security } from '@mcp-runway/pipeline';
import { createPipeline, type PipelineOptions } from '@mcp-runway/pipeline/hono';
import { rateLimitConfig } from '@mcp-runway/rate-limit';
import { closeRedis, connectRedis, redisConfig } from '@mcp-runway/redis';
import { createMcpHandler, type McpServer } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import { createEmfRecorder, describeRequest, type EmfOptions, outcomeOf } from './emf.js';

/** What the function reads from its environment: the pieces of steps 2-4 and the server's own. */
export const configSchema = composeConfig(
  httpConfig,
  authConfig,
  rateLimitConfig,
  redisConfig, // limits shared by every concurrent environment
  auditConfig, // AUDIT_LOG: the audit trail's destination
  serverSettings,
);
export type Config = z.infer<typeof configSchema>;

/**
 * A Lambda function is always reachable from outside (API Gateway or a Function URL), so it
 * is configured as a public bind: HOST is fixed to 0.0.0.0, which makes the shared schema
 * require ALLOWED_HOSTS (the API Gateway or Function URL domain, or your custom domain) and an
 * explicit auth decision (AUTH_MODE=apikey|oauth, or ALLOW_UNAUTHENTICATED=true).
 */
export const LAMBDA_HOST = '0.0.0.0';

/** Reads the environment once, as a public bind. Throws ConfigError. */
export function loadLambdaConfig(env: Env = process.env): Config {
  return loadConfig(configSchema, { ...env, HOST: LAMBDA_HOST });
}

export interface LambdaRuntime {
  /** The pipeline of the Hono app (@mcp-runway/pipeline/hono). */
  app: ReturnType<typeof createPipeline>;
  /**
   * `app.fetch` plus metrics: one CloudWatch EMF line per invocation (see src/emf.ts), written
   * when the response body ends (for the streaming handler, when the stream ends).
   */
  fetch(request: Request, env: unknown): Promise<Response>;
  config: Config;
  logger: Logger;
  security: Security;
  /** Not called by Lambda (it freezes and discards environments); for tests and local runs. */
  close(): Promise<void>;
}

export interface LambdaRuntimeOptions {
  /** Where log lines go; stderr by default. Tests pass a collector. */
  logDestination?: CreateLoggerOptions['destination'];
  /** EMF metrics (namespace, where lines go); `false` turns them off. @default stdout */
  emf?: EmfOptions | false;
  /** The MCP server to serve. @default `serverModule` from @mcp-runway/example-server */
  server?: ServerModule;
  /** The audit trail. @default the one AUDIT_LOG names, written synchronously */
  audit?: AuditLog;
}

/**
 * Lambda captures whatever a function writes to stdout and stderr into CloudWatch Logs, one
 * event per line. Writes to a pipe are synchronous on Linux, so nothing sits in a buffer when
 * the environment is frozen after the response (pino's default async destination could).
 */
const stderrSync: NonNullable<CreateLoggerOptions['destination']> = {
  write: (line: string) => {
    process.stderr.write(line);
  },
};

/** The caller's address in a Lambda event (API Gateway v2 / Function URL, or REST API). */
interface LambdaBindings {
  event?: {
    requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } };
    body?: string | null;
    isBase64Encoded?: boolean;
  };
}
function bodyOf(env: unknown): string | undefined {
  const event = (env as LambdaBindings | undefined)?.event;
  if (!event?.body) return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}
function sourceIpOf(env: unknown): string | undefined {
  const context = (env as LambdaBindings | undefined)?.event?.requestContext;
  return context?.http?.sourceIp ?? context?.identity?.sourceIp;
}

/** Tool calls audited with EMF off: instrumentation that counts nothing. */
const uncounted = {
  declareTool: () => {},
  toolLabel: () => 'other',
  toolCall: () => {},
};

export async function createLambdaRuntime(
  env: Env = process.env,
  options: LambdaRuntimeOptions = {},
): Promise<LambdaRuntime> {
  let config: Config;
  const logger = (level: Config['LOG_LEVEL'], format: ReturnType<typeof logFormatFor>) =>
    createLogger({
      name: 'mcp-runway-lambda',
      level,
      format,
      destination: options.logDestination ?? stderrSync,
    });
  try {
    config = loadLambdaConfig(env);
  } catch (error) {
    // Fails the init phase: Lambda logs it and answers 502 until the configuration is fixed.
    logger('error', 'json').error({ err: error }, 'invalid configuration');
    throw error;
  }
  // JSON lines unless LOG_FORMAT=pretty: CloudWatch Logs Insights parses JSON fields.
  const log = logger(config.LOG_LEVEL, config.LOG_FORMAT ?? 'json');
  const server = options.server ?? serverModule;
  // One Redis connection per environment (REDIS_URL): limits are shared across environments.
  const redis = config.REDIS_URL
    ? await connectRedis(config.REDIS_URL, { logger: log })
    : undefined;
  const security = await createSecurity(config, { logger: log, server, redis });
  // EMF_ENABLED=false turns the metric lines off; EMF_NAMESPACE names the CloudWatch namespace.
  const emf =
    options.emf === false || (options.emf === undefined && env.EMF_ENABLED === 'false')
      ? undefined
      : createEmfRecorder({
          ...(env.EMF_NAMESPACE ? { namespace: env.EMF_NAMESPACE } : {}),
          ...options.emf,
        });
  // The audit trail: written synchronously, since the environment freezes after the response.
  const audit =
    options.audit ??
    createAuditLog({ destination: config.AUDIT_LOG as AuditDestination, sync: true });
  const decorate = (instance: McpServer) => {
    if (emf) emf.instrument(instance, audit);
    else if (audit.enabled) instrumentServer(instance, uncounted, { audit, tracing: false });
  };
  const factory = server.createServerFactory({
    logger: log,
    settings: config,
    ...(emf || audit.enabled ? { decorate } : {}),
  });
  const mcp = createMcpHandler(pooledServerFactory(factory), { legacy: 'stateless' });
  const pipelineOptions: PipelineOptions = {
    config,
    logger: log,
    mcp,
    toolPolicies: server.toolPolicies,
    drain: createDrain(),
    security,
    audit,
    // No socket on Lambda: the caller's address is in the event (for anonymous rate limits).
    clientAddress: (c) => sourceIpOf(c.env),
    // Redis's circuit breaker, degraded (never failing) readiness while it is open.
    readinessDependencies: redis
      ? [{ name: 'redis', report: () => redis.circuit.readiness() }]
      : [],
  };
  const app = createPipeline(pipelineOptions);
  const fetch = async (request: Request, env: unknown): Promise<Response> => {
    if (!emf) return app.fetch(request, env);
    const started = performance.now();
    const labels = describeRequest(request.method, request.headers, bodyOf(env));
    const response = await app.fetch(request, env);
    const done = () => {
      emf.request({
        ...labels,
        outcome: outcomeOf(response.status),
        ms: performance.now() - started,
      });
      emf.flush();
    };
    if (!response.body) {
      done();
      return response;
    }
    // Flush when the body ends: a tools/call answered over SSE finishes after the headers.
    const body = response.body.pipeThrough(new TransformStream({ flush: done }));
    return new Response(body, response);
  };
  return {
    app,
    fetch,
    config,
    logger: log,
    security,
    async close() {
      await mcp.close();
      await security.close();
      await closeRedis(redis);
    },
  };
}
